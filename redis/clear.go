package rediscache

import (
	"context"

	"github.com/redis/rueidis"
)

// clearShards runs the clear script on every shard of every namespace, all
// sent together, and schedules each namespace's reclaim. It returns the
// first error, naming its namespace; shards whose script ran have moved on
// all the same.
func (b *Backend) clearShards(ctx context.Context, client rueidis.Client, namespaces []string) error {
	if len(namespaces) == 0 {
		return nil
	}
	n := b.shards()
	execs := make([]rueidis.LuaExec, 0, n*len(namespaces))
	for _, ns := range namespaces {
		for _, k := range b.allKeys(ns) {
			execs = append(execs, rueidis.LuaExec{Keys: []string{k.gen(), k.pending()}})
		}
	}
	res := clearScript.execMulti(ctx, client, execs) // a second clear hides no more than the first
	var first error
	for i, ns := range namespaces {
		for _, r := range res[i*n : (i+1)*n] {
			if err := r.Error(); err != nil {
				if first == nil {
					first = b.wrap("clear", ns, err)
				}
				break
			}
		}
		b.reclaim.enqueue(ns)
	}
	return first
}
