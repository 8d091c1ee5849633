package cachetoolz

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// keyBufSize is the stack buffer a call builds its key in; longer keys
// spill to the heap.
const keyBufSize = 96

// Key kinds: the first byte of an in-memory key.
const (
	keyDefault = 0 // followed by a four-byte function id and the arguments
	keyCustom  = 1 // followed by the string a KeyGenerator returned
)

// wrapper is what every wrapped function of result type R shares: options,
// identity, and the cache path.
type wrapper[R any] struct {
	c      *Cache
	ns     *namespace
	ttl    time.Duration
	keys   KeyGenerator
	fn     Function
	prefix [5]byte // keyDefault and the function id
	args   []argInfo
	typed  bool
}

// nilResult stands for a nil interface result in the memory backend, where a
// nil entry could not be told from a miss.
type nilResult struct{}

func newWrapper[R any](c *Cache, fn any, o *Options, argTypes ...reflect.Type) (*wrapper[R], error) {
	if c == nil {
		c = Default()
	}
	if reflect.ValueOf(fn).IsNil() {
		return nil, errors.New("cachetoolz: cannot wrap a nil function")
	}
	opts, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkArgs(argTypes...); err != nil {
		return nil, err
	}
	name, err := identity(opts.Name, fn)
	if err != nil {
		return nil, err
	}
	w := &wrapper[R]{
		c:     c,
		ns:    c.namespace(opts.Namespace),
		ttl:   opts.TTL,
		keys:  opts.Keys,
		fn:    Function{Name: name, Func: fn},
		args:  make([]argInfo, len(argTypes)),
		typed: opts.Typed,
	}
	w.prefix[0] = keyDefault
	binary.BigEndian.PutUint32(w.prefix[1:], funcID(name))
	for i, t := range argTypes {
		w.args[i] = newArgInfo(t, opts.Typed)
	}
	return w, nil
}

// custom builds the key of a call with the wrap's KeyGenerator.
func (w *wrapper[R]) custom(b []byte, args ...any) ([]byte, error) {
	k, err := w.keys.Key(w.typed, w.fn, args)
	if err != nil {
		return nil, fmt.Errorf("cachetoolz: key generator: %w", err)
	}
	return append(append(b, keyCustom), k...), nil
}

// probe is what a lookup learnt that the store after a load needs.
type probe struct {
	gen   uint64
	genOK bool   // the backend answered: gen is valid and a store may follow
	retry bool   // the caller's context ended the lookup: the load looks again
	key   string // the backend key (bytes path only)
}

// lookup returns the cached result under key, or what a load needs to know.
// It does not retain key.
// Hits are counted unless the lookup is a load's second look.
func (w *wrapper[R]) lookup(ctx context.Context, key []byte, count bool) (r R, p probe, ok bool) {
	if n := w.ns.mem; n != nil {
		v, gen, hit := n.Get(key)
		if hit {
			if r, ok = v.(R); ok {
				if count {
					w.ns.stats.hit(key[len(key)-1])
				}
				return r, p, true
			}
			if _, isNil := v.(nilResult); isNil {
				if count {
					w.ns.stats.hit(key[len(key)-1])
				}
				return r, p, true
			}
		}
		return r, probe{gen: gen, genOK: true}, false
	}
	return w.lookupRemote(ctx, key, count)
}

func (w *wrapper[R]) backendKey(key []byte) string {
	if key[0] == keyCustom {
		return string(key[1:])
	}
	return remoteKey(w.fn.Name, key[len(w.prefix):])
}

func (w *wrapper[R]) lookupRemote(ctx context.Context, key []byte, count bool) (r R, p probe, ok bool) {
	p.key = w.backendKey(key)
	c := w.c
	if !c.breaker.allow() {
		return r, p, false
	}
	tctx, cancel := c.timeout(ctx)
	data, gen, err := c.backend.Get(tctx, w.ns.name, p.key)
	cancel()
	switch {
	case err == nil:
		c.breaker.success()
		p.gen, p.genOK = gen, true
		if err := c.cfg.Codec.Unmarshal(data, &r); err != nil {
			c.trouble(w.ns, "decode", err)
			return r, p, false
		}
		if count {
			w.ns.stats.hit(key[len(key)-1])
		}
		return r, p, true
	case errors.Is(err, ErrNotFound):
		c.breaker.success()
		p.gen, p.genOK = gen, true
		return r, p, false
	case ctx.Err() != nil:
		c.breaker.abandon()
		p.retry = true
	default:
		c.breaker.failure()
		c.trouble(w.ns, "get", err)
	}
	return r, p, false
}

// load runs call once for every concurrent miss on key and stores its result
// unless it failed, before any caller returns: once a call has returned, the
// next one with the same arguments is a hit. It does not retain key. A caller
// whose ctx is done gets ctx.Err() at once; the load goes on for the others.
//
// A load first looks again: a caller that missed just before another load
// stored its result, and started its own just after that load ended, finds
// the result there instead of running the function a second time.
func (w *wrapper[R]) load(ctx context.Context, key []byte, p probe, call func(context.Context) (R, error)) (R, error) {
	n := w.ns
	n.stats.misses.Add(1)
	skey := string(key)
	fkey := flightKey(n.epoch.Load(), p.gen, skey)
	lctx := context.WithoutCancel(ctx)
	v, err := n.flight.Do(ctx, fkey, func() (any, error) {
		if p.genOK || p.retry { // the cache may hold the result by now
			r, p2, ok := w.lookup(lctx, []byte(skey), false)
			if ok {
				return r, nil
			}
			p = p2
		}
		n.stats.loads.Add(1)
		r, err := call(lctx)
		if err != nil {
			return nil, err
		}
		if p.genOK {
			w.store(lctx, skey, r, p)
		}
		return r, nil
	})
	r, _ := v.(R) // nil, for a nil interface result or an error
	return r, err
}

func flightKey(epoch, gen uint64, key string) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], epoch)
	binary.BigEndian.PutUint64(b[8:], gen)
	return string(b[:]) + key
}

// store caches v, the result of a load that began with lookup p.
func (w *wrapper[R]) store(ctx context.Context, key string, r R, p probe) {
	c := w.c
	if n := w.ns.mem; n != nil {
		var v any = r
		if v == nil {
			v = nilResult{}
		}
		c.mem.SetString(n, key, v, w.ttl, p.gen)
		return
	}
	// A pointer, so that an interface-typed result keeps its dynamic type.
	data, err := c.cfg.Codec.Marshal(&r)
	if err != nil {
		c.trouble(w.ns, "encode", err)
		return
	}
	if !c.breaker.allow() {
		return
	}
	tctx, cancel := c.timeout(ctx)
	defer cancel()
	if err := c.backend.Set(tctx, w.ns.name, p.key, data, w.ttl, p.gen); err != nil {
		c.breaker.failure()
		c.trouble(w.ns, "set", err)
		return
	}
	c.breaker.success()
}

// uncached runs a call without the cache, for arguments that cannot be keyed
// in a wrapper whose signature has no error to report it with.
func (w *wrapper[R]) uncached(err error) {
	w.c.trouble(w.ns, "key", err)
}
