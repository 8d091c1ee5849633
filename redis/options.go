package rediscache

import (
	"log/slog"
	"time"

	"github.com/redis/rueidis"
)

// Options configures a [Backend]. A nil *Options, or a zero field, takes the
// documented default.
type Options struct {
	// Prefix starts every key the backend writes, so that several
	// applications can share one Redis. Default: "cachetoolz:". Use
	// different prefixes for applications whose namespaces must not meet.
	Prefix string

	// Timeout, when positive, bounds an operation whose context has no
	// deadline; contexts with a deadline are used as they are. Default:
	// none, because a deadline costs rueidis measurably on the hit path
	// (see the README), and a call without one is bounded anyway: the
	// backend's commands are never retried, and the client closes a
	// connection whose server stops answering after its ConnWriteTimeout
	// (10s by default; write_timeout= in the URL), failing its calls.
	Timeout time.Duration

	// ReclaimBatch is how many keys of a cleared generation one reclaim step
	// removes; each step is one script, so this bounds how long a reclaim
	// keeps Redis busy at a time. Default: 256, which Redis runs in about a
	// millisecond; values above 4096 are taken as 4096.
	ReclaimBatch int

	// Shards is how many parts each namespace is split into, each under a
	// Redis Cluster hash tag of its own, so that one namespace spreads over
	// the masters of a Cluster instead of living on one. A key's part is
	// fixed by a hash of the key; a hit still costs one round trip, and a
	// clear one short script per part (one round trip per master). Like
	// Prefix, it is part of the layout: every process that shares the
	// cache must use the same value, or they do not see each other's
	// entries and clears. Default: 16 on a Cluster, which puts a part of
	// every namespace on each master of a Cluster of up to 16 masters
	// with even, contiguous slot ranges; 1 otherwise, the layout of a
	// namespace on one slot. Use a power of two; values above 1024 are
	// taken as 1024. The URL of [New] may set it with shards=N. Ignored by
	// LayoutSeed. See "Key layout" in the package documentation.
	Shards int

	// Logger receives errors of the background reclaim. Default:
	// slog.Default().
	Logger *slog.Logger

	// Layout is how keys and values are arranged in Redis. Default:
	// LayoutDefault. LayoutSeed (also set by layout=seed in the URL of
	// [New]) shares entries with the Python cachetoolz library; it ignores
	// Prefix and ReclaimBatch, uses no load locks, and has no inspector.
	Layout Layout

	// Configure, when set, adjusts the client options that [New] parsed from
	// its URL before the client is created: TLS settings, timeouts, pool
	// sizes, Sentinel or Cluster addresses. [NewFromClient] ignores it.
	Configure func(*rueidis.ClientOption)
}

// settings are the options with defaults applied.
type settings struct {
	prefix  string
	timeout time.Duration
	batch   int
	logger  *slog.Logger
	layout  Layout
	shards  int // 0: by topology
}

// maxReclaimBatch bounds Options.ReclaimBatch: one UNLINK takes the whole
// batch as arguments, and Lua's unpack has a limit of a few thousand.
const maxReclaimBatch = 4096

// DefaultPrefix is the key prefix used when Options.Prefix is empty.
const DefaultPrefix = "cachetoolz:"

func (o *Options) settings() settings {
	s := settings{prefix: DefaultPrefix, batch: 256, logger: slog.Default()}
	if o == nil {
		return s
	}
	if o.Prefix != "" {
		s.prefix = o.Prefix
	}
	if o.Timeout > 0 {
		s.timeout = o.Timeout
	}
	if o.ReclaimBatch > 0 {
		s.batch = min(o.ReclaimBatch, maxReclaimBatch)
	}
	if o.Logger != nil {
		s.logger = o.Logger
	}
	s.layout = o.Layout
	if o.Shards > 0 {
		s.shards = min(o.Shards, maxShards)
	}
	return s
}
