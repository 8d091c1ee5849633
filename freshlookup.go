package cachetoolz

import (
	"context"
	"fmt"
	"reflect"
)

// lookupFresh is lookup for a wrapper whose entries carry metadata, or
// once some call has been given a control (see WithControl): it finds the
// call's control, and judges the freshness of what it finds. What only the
// freshness paths use goes in p.x, with ok false: the miss that follows
// takes the freshness path (freshflight.go). bk is the call's backend key,
// when the caller has it (see custom).
func (w *wrapper[R]) lookupFresh(ctx context.Context, key []byte, l look, bk backendKey) (r R, p probe, ok bool) {
	var ctl Control
	if l == lookCall && controlsUsed.Load() {
		ctl = controlOf(ctx)
	}
	switch ctl {
	case 0:
		return w.lookupMeta(ctx, key, l, bk)
	case Bypass:
		return r, probe{x: &extra{ctl: ctl}}, false
	case Forget:
		p.x = &extra{ctl: ctl}
		if w.ns.mem == nil {
			p.key = w.backendKey(key)
		}
		return r, p, false
	}
	// Refresh: the load needs the generation, and runs whatever is
	// stored; a stale value stays a fallback.
	_, p, _ = w.lookupMeta(ctx, key, lookAgain, bk)
	if n := w.ns.mem; n != nil && !p.genOK {
		// A memory hit reports no generation; the function runs after
		// this reading, so its result may be stored under it.
		p.gen, p.genOK = n.Generation(), true
	}
	if p.x == nil {
		p.x = new(extra)
	}
	p.x.ctl, p.force = ctl, true
	return r, p, false
}

// lookupMeta is lookup without controls.
func (w *wrapper[R]) lookupMeta(ctx context.Context, key []byte, l look, bk backendKey) (r R, p probe, ok bool) {
	n := w.ns.mem
	count := l != lookAgain
	switch {
	case n == nil:
		if w.local != nil && count {
			if r, ok = w.nearHit(key); ok {
				return r, p, true
			}
		}
		// lookupRemote judges the entries that carry metadata.
		p.backendKey = bk
		r, ok = w.lookupRemote(ctx, key, &p, count)
		return r, p, ok
	case !w.metaOK():
		if l == lookCall {
			l = lookPlain
		}
		r, ok = w.lookup(ctx, key, l, &p)
		return r, p, ok
	}
	v, gen, hit := n.Get(key)
	if !hit {
		return r, probe{gen: gen, genOK: true}, false
	}
	p = probe{gen: n.Generation(), genOK: true}
	e, isEntry := v.(freshEntry[R])
	if !isEntry {
		// Another wrapper with the same identity stored another type,
		// or with other freshness options.
		if count {
			w.mismatch(fmt.Errorf("cachetoolz: cached value is a %T, the function returns %v with freshness metadata", v, reflect.TypeFor[R]()))
		}
		return r, p, false
	}
	return w.judge(e.val, e.meta, p, key, count)
}

// judge answers a lookup that found r with metadata m: a hit if it is
// fresh; a value to serve while a refresh starts, a stale value, or a miss
// otherwise. Early refreshes are drawn for counted lookups only, not for a
// load's second look.
func (w *wrapper[R]) judge(r R, m meta, p probe, key []byte, count bool) (R, probe, bool) {
	switch w.fresh.judge(w.nowNano(), m, count) {
	case fresh:
		if count {
			w.ns.stats.hit()
		}
		return r, p, true
	case refresh:
		p.x = &extra{refresh: true, val: r}
	case stale:
		p.x = &extra{hasStale: true, val: r}
	}
	var zero R
	return zero, p, false
}
