package rediscache

import (
	"fmt"
	"net/url"
	"strconv"
)

// shardsOf returns the number of shards that the URL's shards= parameter
// asks for, or opts.Shards when it has none (0: by topology), and an error
// for a value that is not a number from 1 to maxShards or that contradicts
// opts.Shards.
func shardsOf(rawURL string, opts *Options) (int, error) {
	n := 0
	if opts != nil && opts.Shards > 0 {
		n = min(opts.Shards, maxShards)
	}
	u, err := url.Parse(rawURL)
	if err != nil || !u.Query().Has("shards") {
		return n, nil // ParseURL reports a bad URL
	}
	v := u.Query().Get("shards")
	fromURL, err := strconv.Atoi(v)
	if err != nil || fromURL < 1 || fromURL > maxShards {
		return n, fmt.Errorf("cachetoolz: redis: shards=%q in %s: want a number from 1 to %d", v, redactURL(rawURL), maxShards)
	}
	if n != 0 && n != fromURL {
		return n, fmt.Errorf("cachetoolz: redis: shards=%d in %s contradicts Options.Shards %d", fromURL, redactURL(rawURL), n)
	}
	return fromURL, nil
}
