package cachetoolz

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/cachetoolz/cachetoolz/codec"
	"github.com/cachetoolz/cachetoolz/internal/canon"
	"github.com/cachetoolz/cachetoolz/internal/keymemo"
	"github.com/cachetoolz/cachetoolz/internal/memstore"
)

// keyBufSize is the stack buffer a call builds its key in; longer keys
// spill to the heap.
const keyBufSize = 96

// Key kinds: the first byte of an in-memory key.
const (
	keyDefault = 0 // followed by a four-byte function id and the arguments
	keyCustom  = 1 // followed by the string a KeyGenerator returned
)

// wrapper is what every call of one wrapped function shares: options,
// identity, and the cache path. Its loads in flight are in the flights
// each wrap makes beside it (flight.go).
type wrapper[R any] struct {
	c           *Cache
	ns          *namespace
	ttl         time.Duration
	loadTimeout time.Duration
	keys        KeyGenerator
	fn          Function
	prefix      [5]byte // keyDefault and the function id
	args        []argInfo
	int1        bool    // the one argument is an int, encoded untyped: see intKey
	intPrefix   [6]byte // with int1: prefix and the int's tag
	typed       bool
	shape       shape
	ifaceResult bool                // R is an interface type, which a nil result can have
	header      header              // what a remote entry of this wrapper starts with
	plain       bool                // the backend stores plain values: no header
	lock        lockOptions         // Options.Lock, when the backend can lock
	fresh       *freshness          // the freshness options; nil when all are off
	meta        bool                // entries carry freshness metadata: see metaOK
	valueMem    *memstore.Namespace // ns.mem when its entries are bare Go values, else nil: the hit path
	local       *memstore.Namespace // ns.local: the local tier, or nil (near.go)
	memTyped    memstore.Typed[R]   // stores bare results with their entries
	memo        *keymemo.Memo       // remembers the keys of calls (see memoizes), or nil
	memoNum     uint64              // the wrapper's number, which its calls' identities start with
	memoWord    bool                // a call's identity is a word identity (see key1)
}

// shape is what a wrapper's signature lets its function and callers do.
type shape uint8

const (
	leaves  shape = 1 << iota // callers can return early with a done context's error
	seesCtx                   // the function takes a context, so it can see it end
)

// The shapes of the four kinds of wrapper.
const (
	shapeFull  = leaves | seesCtx // WrapN
	shapeNoCtx = 0                // WrapNNoCtx
	shapeNoErr = seesCtx          // WrapNNoErr
	shapePlain = 0                // WrapNPlain
)

// nilResult stands for a nil interface result in the memory backend, where a
// nil entry could not be told from a miss.
type nilResult struct{}

// newWrapper checks what a wrap is given and builds its wrapper. ident is
// the function the caller passed, for its name; argTypes are the static
// types of its arguments.
func newWrapper[R any](c *Cache, ident any, sh shape, o *Options, argTypes ...reflect.Type) (*wrapper[R], error) {
	if c == nil {
		c = Default()
	}
	if reflect.ValueOf(ident).IsNil() {
		return nil, errors.New("cachetoolz: cannot wrap a nil function")
	}
	opts, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkArgs(argTypes...); err != nil {
		return nil, err
	}
	rt := reflect.TypeFor[R]()
	if err := c.checkResult(rt); err != nil {
		return nil, err
	}
	name, err := identity(opts.Name, ident)
	if err != nil {
		return nil, err
	}
	w := &wrapper[R]{
		c:           c,
		ns:          c.namespace(opts.Namespace),
		ttl:         opts.TTL,
		loadTimeout: opts.LoadTimeout,
		keys:        opts.Keys,
		fn:          Function{Name: name, Func: ident},
		args:        make([]argInfo, len(argTypes)),
		typed:       opts.Typed,
		shape:       sh,
		ifaceResult: rt.Kind() == reflect.Interface,
		plain:       c.plainValues(),
		fresh:       newFreshness(&opts),
	}
	w.local = w.ns.local
	if w.plain && opts.Version != "" {
		return nil, fmt.Errorf("cachetoolz: Options.Version %q cannot take effect on %T, which stores plain values", opts.Version, c.backend)
	}
	if w.plain && w.fresh.needsMeta() {
		return nil, fmt.Errorf("cachetoolz: Options.EarlyRefresh and Options.MaxStale cannot take effect on %T, which stores plain values with no room for an entry's freshness", c.backend)
	}
	w.meta = w.fresh.needsMeta()
	if !w.metaOK() {
		w.valueMem = w.ns.mem
		w.memTyped = memstore.NewTyped[R]()
	}
	w.header = newHeader(rt, opts.Version, w.metaOK())
	w.lock = c.lockOptions(&opts)
	w.prefix[0] = keyDefault
	binary.BigEndian.PutUint32(w.prefix[1:], funcID(name))
	for i, t := range argTypes {
		w.args[i] = newArgInfo(t, opts.Typed)
	}
	if w.memoizes() {
		w.memo, w.memoNum = pureKeys.Memo(), wrapperIDs.Add(1)
		w.memoWord = len(w.args) == 1 && wordKind(w.args[0].fast)
	}
	if w.keys == nil && len(w.args) == 1 && w.args[0].fast == fastInt && len(w.args[0].tag) == 0 {
		// The prefix and the tag of the int's encoding, which intKey
		// follows with the value's eight bytes (TestIntKeyMatchesKey1).
		w.int1 = true
		copy(w.intPrefix[:], canon.AppendInt(w.prefix[:len(w.prefix):len(w.prefix)], 0))
	}
	return w, nil
}

// intKey writes into b the key of a call whose one argument, v, is an int
// encoded untyped (w.int1), as key1 would append it, and returns it.
func (w *wrapper[R]) intKey(b *[intKeyLen]byte, v int) []byte {
	*(*[len(w.intPrefix)]byte)(b[:]) = w.intPrefix
	binary.BigEndian.PutUint64(b[len(w.intPrefix):], uint64(v))
	return b[:]
}

// intKeyLen is the length of the keys intKey writes.
const intKeyLen = len(wrapper[int]{}.intPrefix) + 8

// The path every wrapper takes, whatever its shape: the wrapper builds the
// key of a call, and on a hit returns w.hit's or w.lookup's answer; on a miss it calls
// its flights' miss (flight.go), and when no key could be made, uncached.
// fn is the function in its fullest form and args its arguments, which a
// load carries in its own allocation: a hit allocates nothing.

// uncached answers a call whose arguments could not be made into a key,
// kerr saying why: no key, no cache, but the call still gets its answer.
func uncached[T, R any](w *wrapper[R], ctx context.Context, kerr error, args T, fn func(context.Context, T) (R, error)) (R, error) {
	w.c.trouble(w.ns, w.ns.name, opKey, kerr)
	return fn(ctx, args)
}

// custom builds the key of a call with the wrap's KeyGenerator, keyCustom
// then the generator's key copied into b, and returns the generator's key
// as a string too: the backend key, which lookupRemote then need not copy
// out of the key.
func (w *wrapper[R]) custom(b []byte, args ...any) ([]byte, backendKey, error) {
	k, err := w.keys.Key(w.typed, w.fn, args)
	if err != nil {
		return nil, backendKey{}, fmt.Errorf("cachetoolz: key generator: %w", err)
	}
	return append(append(b, keyCustom), k...), backendKey{key: k}, nil
}

// probe is what a lookup learnt that the store after a load needs.
type probe struct {
	gen   uint64
	genOK bool   // the backend answered: gen is valid and a store may follow
	retry bool   // the caller's context ended the lookup: the load looks again
	force bool   // the load runs the function even if a result is stored
	quiet bool   // a memory lookup: sets is valid
	sets  uint64 // the memory namespace's Sets, read before the lookup
	// backendKey is the backend key (bytes path only), and its joined key
	// when the call's key was remembered (see KeyJoiner); a call's lookup
	// may be given them.
	backendKey
	x    *extra   // what the freshness paths need; nil on the usual ones
	near nearSnap // the local tier before the remote read, if the cache has one
}

// extra is what a lookup found that only the freshness paths (freshflight.go)
// use: a control, a value to serve while an early refresh runs, a stale
// value.
type extra struct {
	ctl      Control
	refresh  bool // val is a hit whose entry is to be refreshed early
	hasStale bool // val is a stale value, a fallback for a failed load
	val      any  // an R
}

// lookup returns the cached result under key; on a miss it fills *p with
// what a load needs to know (a memory hit leaves *p alone, so that the
// path of a hit copies no probe). It does not retain key. Hits are counted
// unless the lookup is a load's second look.
//
// The memory backend's Go values are looked up here; every other lookup
// (a byte-storing backend, entries with freshness metadata, a call that
// may carry a control) goes on in lookupRemote or lookupFresh, at the cost
// of one branch on the path of a memory hit. A cache with a local tier
// looks there first (nearHit), except on a load's second look, which
// reads the backend for the generation the load stores under.
func (w *wrapper[R]) lookup(ctx context.Context, key []byte, l look, p *probe) (r R, ok bool) {
	controlled := l == lookCall && controlsUsed.Load()
	if w.valueMem != nil && !controlled {
		return w.lookupMem(key, l, p)
	}
	if w.ns.mem != nil || controlled {
		return w.lookupFreshTo(ctx, key, l, p)
	}
	// lookupMeta does the same; doing it here instead of calling it keeps
	// the local hit about 60 instructions (6%) cheaper.
	if w.local != nil && l != lookAgain {
		if r, ok = w.nearHit(key); ok {
			return r, true
		}
	}
	return w.lookupRemote(ctx, key, p, l != lookAgain) // it judges freshness itself
}

// remoteFirst reports whether the lookup of a call goes straight to
// lookupRemote, as lookup would: a byte-storing backend with no local tier,
// and no control carried by any call so far. The wrappers' own functions
// then call lookupRemote themselves, which spares the commonest remote hit
// a call (about 3% of its cost at 32 goroutines).
func (w *wrapper[R]) remoteFirst() bool {
	return w.ns.mem == nil && w.local == nil && !controlsUsed.Load()
}

// lookupFreshTo is lookupFresh, filling *p. It is never inlined, so that
// lookup's frame holds no copy of a probe.
//
//go:noinline
func (w *wrapper[R]) lookupFreshTo(ctx context.Context, key []byte, l look, p *probe) (r R, ok bool) {
	r, *p, ok = w.lookupFresh(ctx, key, l, p.backendKey)
	return r, ok
}

// lookupMem is lookup in a memory namespace of bare Go values (w.valueMem).
func (w *wrapper[R]) lookupMem(key []byte, l look, p *probe) (r R, ok bool) {
	n := w.valueMem
	v, gen, sets, hit := n.GetCounted(key)
	if !hit {
		p.missed(gen, sets)
		return r, false
	}
	// The nil marker stands for a nil interface, so it answers only a
	// wrapper whose result is an interface; and it is checked first, since
	// an interface R with no methods would take it as a value.
	if _, isNil := v.(nilResult); !isNil || !w.ifaceResult {
		if r, ok = v.(R); !ok {
			// Another wrapper with the same identity stored another type.
			if l != lookAgain {
				w.mismatch(fmt.Errorf("cachetoolz: cached value is a %T, the function returns %v", v, reflect.TypeFor[R]()))
			}
			*p = probe{gen: n.Generation(), genOK: true}
			return r, false
		}
	}
	if l != lookAgain {
		w.ns.stats.hit()
	}
	return r, true
}

// hit is lookup for a call, on the commonest path: a memory namespace of
// bare Go values whose results are stored with their entries. On a hit it
// returns the cached result where the entry holds it, for the caller to
// copy once into its own result (lookup's copies of R through its large
// frame cost a hit about 30 instructions). On a miss it returns the
// namespace's generation and Sets, for the caller's probe (see missed), and
// reports that it looked; when it did not look (another path, or a value
// of another type, which lookup reports), the caller goes on with lookup.
// The caller calls it only when w.valueMem is set.
func (w *wrapper[R]) hit(key []byte) (r *R, gen, sets uint64, looked bool) {
	n := w.valueMem // not nil: the caller has looked
	if !w.memTyped.Inline() || controlsUsed.Load() {
		return nil, 0, 0, false
	}
	v, gen, sets, ok := n.GetCounted(key)
	if !ok {
		return nil, gen, sets, true
	}
	if r = w.memTyped.Pointer(v); r == nil {
		return nil, 0, 0, false
	}
	w.ns.stats.hit()
	return r, 0, 0, true
}

// missed fills p after hit looked and missed: gen and sets are what it
// returned.
func (p *probe) missed(gen, sets uint64) {
	p.gen, p.genOK, p.quiet, p.sets = gen, true, true, sets
}

// look is what a lookup is for.
type look uint8

const (
	lookAgain look = iota // a load's second look: not counted, no control
	lookCall              // a call's: counted; the call may carry a control
	lookPlain             // a call's whose control has been looked for: counted
)

func (w *wrapper[R]) backendKey(key []byte) string {
	if key[0] == keyCustom {
		return string(key[1:])
	}
	return remoteKey(w.fn.Name, key[len(w.prefix):])
}

// lookupRemote is lookup in the backend. It fills *p, which holds nothing
// but, when the caller has it (see custom), key's backend key in p.key.
func (w *wrapper[R]) lookupRemote(ctx context.Context, key []byte, p *probe, count bool) (r R, ok bool) {
	if p.key == "" {
		p.key = w.backendKey(key)
	}
	c, n := w.c, w.ns
	br := n.breakerFor(p.key)
	if !br.allow() {
		return r, false
	}
	tctx, cancel := c.timeout(ctx)
	tctx, end := c.startOp(tctx, OpGet, n.name)
	var data []byte
	var gen uint64
	var life time.Duration
	var err error
	switch {
	case w.local != nil:
		data, gen, life, err = w.nearGet(tctx, p)
	case p.joined != "":
		data, gen, err = c.joiner.GetJoined(tctx, n.name, p.key, p.joined)
	default:
		data, gen, err = c.backend.Get(tctx, n.name, p.key)
	}
	endOp(end, err)
	release(cancel)
	if err != nil {
		w.getFailed(ctx, err, gen, br, p)
		return r, false
	}
	br.success()
	p.gen, p.genOK = gen, true
	m, err := w.decode(data, &r)
	if err != nil {
		// A miss that the load will overwrite.
		if count {
			w.mismatch(err)
		}
		return r, false
	}
	if w.metaOK() || w.local != nil {
		return w.remoteFound(r, m, life, key, p, count)
	}
	if count {
		n.stats.hit()
	}
	return r, true
}

// remoteFound ends lookupRemote for r, found with metadata m and time to
// live life, when the wrapper judges freshness or keeps what it reads in
// a local tier. (Apart from lookupRemote, so that the frame of the
// commonest hit holds none of their copies of r and of the probe.)
func (w *wrapper[R]) remoteFound(r R, m meta, life time.Duration, key []byte, p *probe, count bool) (R, bool) {
	if w.metaOK() {
		ok := false
		if r, *p, ok = w.judge(r, m, *p, key, count); !ok {
			return r, false
		}
	} else if count {
		w.ns.stats.hit()
	}
	if w.local != nil {
		w.keepRead(key, r, &p.near, life, m)
	}
	return r, true
}

// getFailed records the failure err of lookupRemote's Get of generation
// gen (ErrNotFound: a miss) in br and p.
func (w *wrapper[R]) getFailed(ctx context.Context, err error, gen uint64, br *breaker, p *probe) {
	switch {
	case errors.Is(err, ErrNotFound):
		br.success()
		p.gen, p.genOK = gen, true
	case ctx.Err() != nil:
		br.abandon()
		p.retry = true
	default:
		br.failure()
		w.c.trouble(w.ns, w.ns.name, opGet, err)
	}
}

// loadBody is what one load does, under its own context.
//
// It first looks again: a caller that missed just before another load
// stored its result, and started its own just after that load ended, finds
// the result there instead of running the function a second time. A
// memory namespace that stored nothing and was not cleared since the first
// look is not looked at again: the look would find what the first found.
//
// A load whose context ended before a function that takes a context
// returned (every caller left, or the load timeout passed) stores nothing:
// what such a function returns once its context is done is rarely its
// answer. A function that takes no context cannot see it end, so its result
// is stored whenever it comes.
func loadBody[T, R any](w *wrapper[R], lc *loadContext, key string, p probe, fn func(context.Context, T) (R, error), args T) (R, error) {
	ctx := context.Context(lc)
	bctx := ctx // for the backend
	if w.shape&seesCtx == 0 && w.ns.mem == nil {
		// The function cannot see the load's deadline pass, so the
		// backend operations made for it do not either.
		bctx = context.WithoutCancel(ctx)
	}
	if (p.genOK || p.retry) && !p.force && !w.quiet(p) { // the cache may hold the result by now
		// lookup neither keeps nor changes the key it is given; the
		// backend keys are the call's.
		p2 := probe{backendKey: p.backendKey}
		r, ok := w.lookup(bctx, unsafe.Slice(unsafe.StringData(key), len(key)), lookAgain, &p2)
		if ok {
			return r, nil
		}
		p = p2
	}
	if w.shape&seesCtx != 0 && lc.endedBy(w.ns.mem == nil) {
		// Every caller left, or the deadline passed, during the second
		// look: a function that sees its context would start cancelled.
		// (A memory lookup takes too little time for the deadline to be
		// worth a reading of the clock: if it has passed, the function
		// sees it, and its result is not stored.)
		var zero R
		return zero, ctx.Err()
	}
	if w.lock.locker != nil && p.genOK && !p.force && (p.x == nil || !p.x.hasStale) {
		// (An entry kept past its TTL would be found by the lock, which
		// tells nothing of its freshness: its reload takes no lock.)
		r, done, unlock, err := w.lockLoad(ctx, &p)
		if done {
			return r, err
		}
		defer unlock()
	}
	w.ns.stats.loads.Add(1)
	var start int64
	if w.metaOK() {
		start = w.nowNano()
	}
	r, err := observeLoad(w, ctx, fn, args)
	if err != nil || (w.shape&seesCtx != 0 && ctx.Err() != nil) {
		return r, err
	}
	if p.genOK {
		var m meta
		if w.metaOK() {
			m = newMeta(start, w.nowNano(), w.ttl)
		}
		w.store(ctx, key, r, p, m)
	}
	return r, nil
}

// quiet reports whether a load's second look would find what its first,
// p, found: the first was a memory lookup, and the namespace has stored
// nothing and was not cleared since.
func (w *wrapper[R]) quiet(p probe) bool {
	n := w.valueMem
	return p.quiet && n.Sets() == p.sets && n.Generation() == p.gen
}

// store caches r, the result of a load that began with lookup p, with
// metadata m when the wrapper's entries carry it.
func (w *wrapper[R]) store(ctx context.Context, key string, r R, p probe, m meta) {
	if n := w.ns; n.mem != nil {
		if w.metaOK() {
			// By value: the memory bound weighs the whole entry.
			w.c.mem.SetString(n.mem, key, freshEntry[R]{val: r, meta: m}, w.physicalTTL(), p.gen)
		} else if w.ifaceResult && any(r) == nil {
			w.c.mem.SetString(n.mem, key, nilResult{}, w.physicalTTL(), p.gen)
		} else {
			w.memTyped.Set(w.c.mem, n.mem, key, r, w.physicalTTL(), p.gen)
		}
		return
	}
	if w.local != nil {
		w.storeNear(ctx, key, r, p, m)
		return
	}
	w.storeRemote(ctx, r, p, m)
}

// storeRemote is store on a byte-storing backend. It is apart from store so
// that r is moved to the heap for the encoder on that path only. It reports
// whether the backend took the value.
func (w *wrapper[R]) storeRemote(ctx context.Context, r R, p probe, m meta) bool {
	c, n := w.c, w.ns
	data, err := w.encode(&r, m)
	if err != nil {
		c.trouble(n, n.name, opEncode, err)
		return false
	}
	br := n.breakerFor(p.key)
	if !br.allow() {
		return false
	}
	// The store is the load's last step on behalf of every caller: it
	// gets its own time, whatever is left of the load's.
	tctx, cancel := c.timeout(context.WithoutCancel(ctx))
	defer release(cancel)
	tctx, end := c.startOp(tctx, OpSet, n.name)
	err = c.backend.Set(tctx, n.name, p.key, data, w.physicalTTL(), p.gen)
	endOp(end, err)
	if err != nil {
		br.failure()
		c.trouble(n, n.name, opSet, err)
		return false
	}
	br.success()
	return true
}

// plainValues reports whether the cache's backend stores the codec's output
// with no header (see PlainBackend).
func (c *Cache) plainValues() bool {
	if c.mem != nil {
		return false
	}
	pb, ok := c.backend.(PlainBackend)
	return ok && pb.PlainValues()
}

// checkResult refuses, at wrap time, a result type that the cache's codec
// would not carry whole. Only byte-storing backends encode results.
func (c *Cache) checkResult(t reflect.Type) error {
	if c.mem != nil {
		return nil
	}
	tc, ok := c.cfg.Codec.(codec.TypeChecker)
	if !ok {
		return nil
	}
	if err := tc.CheckType(t); err != nil {
		return fmt.Errorf("cachetoolz: result type %v cannot be cached in %T: %w", t, c.backend, err)
	}
	return nil
}
