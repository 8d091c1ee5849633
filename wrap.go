package cachetoolz

import (
	"context"
	"reflect"
	"unsafe"
)

// The wrappers below keep a function's own signature. There is one for each
// shape a Go function usually has, for zero to three arguments:
//
//	WrapN       func(context.Context, A1, ..., AN) (R, error)
//	WrapNNoCtx  func(A1, ..., AN) (R, error)
//	WrapNNoErr  func(context.Context, A1, ..., AN) R
//	WrapNPlain  func(A1, ..., AN) R
//
// More arguments go in a struct. A nil *Cache means Default(); nil *Options
// means the defaults. Wrapping fails if an argument's type can never be a
// key (a function, a channel, an unsafe pointer), if the result type cannot
// be stored whole by a byte-storing backend's codec, or if an option is out
// of range.
//
// A call that finds its result cached returns it. Otherwise it runs the
// function, once for all the concurrent calls with the same arguments, and
// caches the result unless the function returned an error or panicked. A
// panic reaches every caller waiting for that run as a panic with a
// *PanicError, which holds the original value and stack. A caller of WrapN
// whose context is done stops waiting and returns the context's error; the
// run goes on for the other callers, and is cancelled when none is left
// (see Options.LoadTimeout). Wrappers without an error result cannot report
// a done context, so their callers wait for the run to end.
//
// Trouble with the backend never fails a call, and neither do arguments
// that cannot be made into a key (a channel behind an interface, say): the
// function runs, and the trouble is counted in Stats and logged.
//
// Every shape of every arity takes one path (hit or lookup, then miss or uncached,
// in engine.go and flight.go): the shapes differ only in
// how they adapt the function to its fullest form, func(context.Context,
// A1, ..., AN) (R, error).

// key0 builds the key of a call of a function with no arguments.
func key0[R any](w *wrapper[R], b []byte) ([]byte, backendKey, error) {
	if w.keys != nil {
		if w.memo == nil {
			return w.custom(b)
		}
		var ib [memoIDLen]byte
		return memoKey(w, b, w.memoStart(&ib), true, struct{}{}, anys0)
	}
	b = append(b, w.prefix[:]...)
	return b, backendKey{}, nil
}

// wrap0 is the path of every shape with no arguments: fn is the function in its
// fullest form, ident the one the caller gave, whose name identifies it.
//
// The call's few lines of lookup (the memory hit, or the remote lookup when
// remoteFirst, then the flights' lookupOrMiss or miss) are written out in
// wrap0 to wrap3 alike rather than in a method they share: through such a
// method, which the compiler does not inline, a memory hit with a TTL
// executes about 55 instructions more, 7% (callgrind,
// BenchmarkMemory/hit/cachetoolz-ttl), the result being copied once more on
// its way out, and a Redis hit from 32 goroutines costs about 3% more.
func wrap0[R any](c *Cache, ident any, fn func(context.Context) (R, error), opts *Options, sh shape) (func(context.Context) (R, error), error) {
	w, err := newWrapper[R](c, ident, sh, opts)
	if err != nil {
		return nil, err
	}
	f := func(ctx context.Context, _ struct{}) (R, error) { return fn(ctx) }
	fl := newFlights(w, f)
	return func(ctx context.Context) (R, error) {
		var buf [keyBufSize]byte
		key, bk, err := key0(w, buf[:0])
		if err != nil {
			return uncached(w, ctx, err, struct{}{}, f)
		}
		if w.valueMem == nil { // no memory hit to try: spare the call
			if w.remoteFirst() {
				p := probe{backendKey: bk}
				if r, ok := w.lookupRemote(ctx, key, &p, true); ok {
					return r, nil
				}
				return fl.miss(ctx, key, p, struct{}{})
			}
			return fl.lookupOrMiss(ctx, key, bk, false, 0, 0, struct{}{})
		}
		r, gen, sets, looked := w.hit(key)
		if r != nil {
			return *r, nil
		}
		return fl.lookupOrMiss(ctx, key, bk, looked, gen, sets, struct{}{})
	}, nil
}

// Wrap0 caches a function with no arguments that takes a context and returns an error.
func Wrap0[R any](c *Cache, fn func(context.Context) (R, error), opts *Options) (func(context.Context) (R, error), error) {
	return wrap0(c, fn, fn, opts, shapeFull)
}

// Wrap0NoCtx caches a function with no arguments that returns an error but takes no context.
func Wrap0NoCtx[R any](c *Cache, fn func() (R, error), opts *Options) (func() (R, error), error) {
	f, err := wrap0(c, fn, func(_ context.Context) (R, error) { return fn() }, opts, shapeNoCtx)
	if err != nil {
		return nil, err
	}
	return func() (R, error) { return f(context.Background()) }, nil
}

// Wrap0NoErr caches a function with no arguments that takes a context but returns no error.
func Wrap0NoErr[R any](c *Cache, fn func(context.Context) R, opts *Options) (func(context.Context) R, error) {
	f, err := wrap0(c, fn, func(ctx context.Context) (R, error) { return fn(ctx), nil }, opts, shapeNoErr)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) R {
		r, _ := f(ctx) // fn reports no error, and the caller cannot leave
		return r
	}, nil
}

// Wrap0Plain caches a function with no arguments that takes no context and returns no error.
func Wrap0Plain[R any](c *Cache, fn func() R, opts *Options) (func() R, error) {
	f, err := wrap0(c, fn, func(_ context.Context) (R, error) { return fn(), nil }, opts, shapePlain)
	if err != nil {
		return nil, err
	}
	return func() R {
		r, _ := f(context.Background()) // fn reports no error
		return r
	}, nil
}

// key1 builds the key of a call of a function with one argument.
func key1[A1, R any](w *wrapper[R], b []byte, a1 A1) ([]byte, backendKey, error) {
	if w.keys != nil {
		if w.memo == nil {
			return w.custom(b, a1)
		}
		if w.memoWord {
			// The identity of the call is the wrapper's number and the
			// argument's word: looked up from the words, with no bytes
			// built (a miss goes on below, where they are).
			tag, v := fastWord(unsafe.Pointer(&a1), w.args[0].fast)
			if c := w.memo.GetWord(w.memoNum, tag, v); c != nil {
				return w.recall(b, c)
			}
		}
		var ib [memoIDLen]byte
		id, ok := appendMemoArg(w.memoStart(&ib), a1, &w.args[0])
		return memoKey(w, b, id, ok, a1, anys1)
	}
	b = append(b, w.prefix[:]...)
	var err error
	if b, err = appendArg(b, a1, &w.args[0]); err != nil {
		return nil, backendKey{}, err
	}
	return b, backendKey{}, nil
}

// wrap1 is the path of every shape with one argument: fn is the function in its
// fullest form, ident the one the caller gave, whose name identifies it.
func wrap1[A1, R any](c *Cache, ident any, fn func(context.Context, A1) (R, error), opts *Options, sh shape) (func(context.Context, A1) (R, error), error) {
	w, err := newWrapper[R](c, ident, sh, opts, reflect.TypeFor[A1]())
	if err != nil {
		return nil, err
	}
	f := fn
	fl := newFlights(w, f)
	return func(ctx context.Context, a1 A1) (R, error) {
		var key []byte
		var bk backendKey
		var err error
		if w.int1 {
			var buf [intKeyLen]byte
			key = w.intKey(&buf, *(*int)(unsafe.Pointer(&a1)))
		} else {
			var buf [keyBufSize]byte
			if key, bk, err = key1(w, buf[:0], a1); err != nil {
				return uncached(w, ctx, err, a1, f)
			}
		}
		if w.valueMem == nil { // no memory hit to try: spare the call
			if w.remoteFirst() {
				p := probe{backendKey: bk}
				if r, ok := w.lookupRemote(ctx, key, &p, true); ok {
					return r, nil
				}
				return fl.miss(ctx, key, p, a1)
			}
			return fl.lookupOrMiss(ctx, key, bk, false, 0, 0, a1)
		}
		r, gen, sets, looked := w.hit(key)
		if r != nil {
			return *r, nil
		}
		return fl.lookupOrMiss(ctx, key, bk, looked, gen, sets, a1)
	}, nil
}

// Wrap1 caches a function with one argument that takes a context and returns an error.
func Wrap1[A1, R any](c *Cache, fn func(context.Context, A1) (R, error), opts *Options) (func(context.Context, A1) (R, error), error) {
	return wrap1(c, fn, fn, opts, shapeFull)
}

// Wrap1NoCtx caches a function with one argument that returns an error but takes no context.
func Wrap1NoCtx[A1, R any](c *Cache, fn func(A1) (R, error), opts *Options) (func(A1) (R, error), error) {
	f, err := wrap1(c, fn, func(_ context.Context, a1 A1) (R, error) { return fn(a1) }, opts, shapeNoCtx)
	if err != nil {
		return nil, err
	}
	return func(a1 A1) (R, error) { return f(context.Background(), a1) }, nil
}

// Wrap1NoErr caches a function with one argument that takes a context but returns no error.
func Wrap1NoErr[A1, R any](c *Cache, fn func(context.Context, A1) R, opts *Options) (func(context.Context, A1) R, error) {
	f, err := wrap1(c, fn, func(ctx context.Context, a1 A1) (R, error) { return fn(ctx, a1), nil }, opts, shapeNoErr)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1) R {
		r, _ := f(ctx, a1) // fn reports no error, and the caller cannot leave
		return r
	}, nil
}

// Wrap1Plain caches a function with one argument that takes no context and returns no error.
func Wrap1Plain[A1, R any](c *Cache, fn func(A1) R, opts *Options) (func(A1) R, error) {
	f, err := wrap1(c, fn, func(_ context.Context, a1 A1) (R, error) { return fn(a1), nil }, opts, shapePlain)
	if err != nil {
		return nil, err
	}
	return func(a1 A1) R {
		r, _ := f(context.Background(), a1) // fn reports no error
		return r
	}, nil
}

// key2 builds the key of a call of a function with two arguments.
func key2[A1, A2, R any](w *wrapper[R], b []byte, a1 A1, a2 A2) ([]byte, backendKey, error) {
	if w.keys != nil {
		if w.memo == nil {
			return w.custom(b, a1, a2)
		}
		var ib [memoIDLen]byte
		id, ok := memoID2(w, &ib, a1, a2)
		return memoKey(w, b, id, ok, args2[A1, A2]{a1, a2}, anys2)
	}
	b = append(b, w.prefix[:]...)
	var err error
	if b, err = appendArg(b, a1, &w.args[0]); err != nil {
		return nil, backendKey{}, err
	}
	if b, err = appendArg(b, a2, &w.args[1]); err != nil {
		return nil, backendKey{}, err
	}
	return b, backendKey{}, nil
}

// args2 carries the arguments of a call with two arguments to its load.
type args2[A1, A2 any] struct {
	a1 A1
	a2 A2
}

// wrap2 is the path of every shape with two arguments: fn is the function in its
// fullest form, ident the one the caller gave, whose name identifies it.
func wrap2[A1, A2, R any](c *Cache, ident any, fn func(context.Context, A1, A2) (R, error), opts *Options, sh shape) (func(context.Context, A1, A2) (R, error), error) {
	w, err := newWrapper[R](c, ident, sh, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2]())
	if err != nil {
		return nil, err
	}
	f := func(ctx context.Context, a args2[A1, A2]) (R, error) { return fn(ctx, a.a1, a.a2) }
	fl := newFlights(w, f)
	return func(ctx context.Context, a1 A1, a2 A2) (R, error) {
		var buf [keyBufSize]byte
		key, bk, err := key2(w, buf[:0], a1, a2)
		if err != nil {
			return uncached(w, ctx, err, args2[A1, A2]{a1, a2}, f)
		}
		if w.valueMem == nil { // no memory hit to try: spare the call
			if w.remoteFirst() {
				p := probe{backendKey: bk}
				if r, ok := w.lookupRemote(ctx, key, &p, true); ok {
					return r, nil
				}
				return fl.miss(ctx, key, p, args2[A1, A2]{a1, a2})
			}
			return fl.lookupOrMiss(ctx, key, bk, false, 0, 0, args2[A1, A2]{a1, a2})
		}
		r, gen, sets, looked := w.hit(key)
		if r != nil {
			return *r, nil
		}
		return fl.lookupOrMiss(ctx, key, bk, looked, gen, sets, args2[A1, A2]{a1, a2})
	}, nil
}

// Wrap2 caches a function with two arguments that takes a context and returns an error.
func Wrap2[A1, A2, R any](c *Cache, fn func(context.Context, A1, A2) (R, error), opts *Options) (func(context.Context, A1, A2) (R, error), error) {
	return wrap2(c, fn, fn, opts, shapeFull)
}

// Wrap2NoCtx caches a function with two arguments that returns an error but takes no context.
func Wrap2NoCtx[A1, A2, R any](c *Cache, fn func(A1, A2) (R, error), opts *Options) (func(A1, A2) (R, error), error) {
	f, err := wrap2(c, fn, func(_ context.Context, a1 A1, a2 A2) (R, error) { return fn(a1, a2) }, opts, shapeNoCtx)
	if err != nil {
		return nil, err
	}
	return func(a1 A1, a2 A2) (R, error) { return f(context.Background(), a1, a2) }, nil
}

// Wrap2NoErr caches a function with two arguments that takes a context but returns no error.
func Wrap2NoErr[A1, A2, R any](c *Cache, fn func(context.Context, A1, A2) R, opts *Options) (func(context.Context, A1, A2) R, error) {
	f, err := wrap2(c, fn, func(ctx context.Context, a1 A1, a2 A2) (R, error) { return fn(ctx, a1, a2), nil }, opts, shapeNoErr)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1, a2 A2) R {
		r, _ := f(ctx, a1, a2) // fn reports no error, and the caller cannot leave
		return r
	}, nil
}

// Wrap2Plain caches a function with two arguments that takes no context and returns no error.
func Wrap2Plain[A1, A2, R any](c *Cache, fn func(A1, A2) R, opts *Options) (func(A1, A2) R, error) {
	f, err := wrap2(c, fn, func(_ context.Context, a1 A1, a2 A2) (R, error) { return fn(a1, a2), nil }, opts, shapePlain)
	if err != nil {
		return nil, err
	}
	return func(a1 A1, a2 A2) R {
		r, _ := f(context.Background(), a1, a2) // fn reports no error
		return r
	}, nil
}

// key3 builds the key of a call of a function with three arguments.
func key3[A1, A2, A3, R any](w *wrapper[R], b []byte, a1 A1, a2 A2, a3 A3) ([]byte, backendKey, error) {
	if w.keys != nil {
		if w.memo == nil {
			return w.custom(b, a1, a2, a3)
		}
		var ib [memoIDLen]byte
		id, ok := memoID2(w, &ib, a1, a2)
		if ok {
			id, ok = appendMemoArg(id, a3, &w.args[2])
		}
		return memoKey(w, b, id, ok, args3[A1, A2, A3]{a1, a2, a3}, anys3)
	}
	b = append(b, w.prefix[:]...)
	var err error
	if b, err = appendArg(b, a1, &w.args[0]); err != nil {
		return nil, backendKey{}, err
	}
	if b, err = appendArg(b, a2, &w.args[1]); err != nil {
		return nil, backendKey{}, err
	}
	if b, err = appendArg(b, a3, &w.args[2]); err != nil {
		return nil, backendKey{}, err
	}
	return b, backendKey{}, nil
}

// args3 carries the arguments of a call with three arguments to its load.
type args3[A1, A2, A3 any] struct {
	a1 A1
	a2 A2
	a3 A3
}

// wrap3 is the path of every shape with three arguments: fn is the function in its
// fullest form, ident the one the caller gave, whose name identifies it.
func wrap3[A1, A2, A3, R any](c *Cache, ident any, fn func(context.Context, A1, A2, A3) (R, error), opts *Options, sh shape) (func(context.Context, A1, A2, A3) (R, error), error) {
	w, err := newWrapper[R](c, ident, sh, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2](), reflect.TypeFor[A3]())
	if err != nil {
		return nil, err
	}
	f := func(ctx context.Context, a args3[A1, A2, A3]) (R, error) { return fn(ctx, a.a1, a.a2, a.a3) }
	fl := newFlights(w, f)
	return func(ctx context.Context, a1 A1, a2 A2, a3 A3) (R, error) {
		var buf [keyBufSize]byte
		key, bk, err := key3(w, buf[:0], a1, a2, a3)
		if err != nil {
			return uncached(w, ctx, err, args3[A1, A2, A3]{a1, a2, a3}, f)
		}
		if w.valueMem == nil { // no memory hit to try: spare the call
			if w.remoteFirst() {
				p := probe{backendKey: bk}
				if r, ok := w.lookupRemote(ctx, key, &p, true); ok {
					return r, nil
				}
				return fl.miss(ctx, key, p, args3[A1, A2, A3]{a1, a2, a3})
			}
			return fl.lookupOrMiss(ctx, key, bk, false, 0, 0, args3[A1, A2, A3]{a1, a2, a3})
		}
		r, gen, sets, looked := w.hit(key)
		if r != nil {
			return *r, nil
		}
		return fl.lookupOrMiss(ctx, key, bk, looked, gen, sets, args3[A1, A2, A3]{a1, a2, a3})
	}, nil
}

// Wrap3 caches a function with three arguments that takes a context and returns an error.
func Wrap3[A1, A2, A3, R any](c *Cache, fn func(context.Context, A1, A2, A3) (R, error), opts *Options) (func(context.Context, A1, A2, A3) (R, error), error) {
	return wrap3(c, fn, fn, opts, shapeFull)
}

// Wrap3NoCtx caches a function with three arguments that returns an error but takes no context.
func Wrap3NoCtx[A1, A2, A3, R any](c *Cache, fn func(A1, A2, A3) (R, error), opts *Options) (func(A1, A2, A3) (R, error), error) {
	f, err := wrap3(c, fn, func(_ context.Context, a1 A1, a2 A2, a3 A3) (R, error) { return fn(a1, a2, a3) }, opts, shapeNoCtx)
	if err != nil {
		return nil, err
	}
	return func(a1 A1, a2 A2, a3 A3) (R, error) { return f(context.Background(), a1, a2, a3) }, nil
}

// Wrap3NoErr caches a function with three arguments that takes a context but returns no error.
func Wrap3NoErr[A1, A2, A3, R any](c *Cache, fn func(context.Context, A1, A2, A3) R, opts *Options) (func(context.Context, A1, A2, A3) R, error) {
	f, err := wrap3(c, fn, func(ctx context.Context, a1 A1, a2 A2, a3 A3) (R, error) { return fn(ctx, a1, a2, a3), nil }, opts, shapeNoErr)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1, a2 A2, a3 A3) R {
		r, _ := f(ctx, a1, a2, a3) // fn reports no error, and the caller cannot leave
		return r
	}, nil
}

// Wrap3Plain caches a function with three arguments that takes no context and returns no error.
func Wrap3Plain[A1, A2, A3, R any](c *Cache, fn func(A1, A2, A3) R, opts *Options) (func(A1, A2, A3) R, error) {
	f, err := wrap3(c, fn, func(_ context.Context, a1 A1, a2 A2, a3 A3) (R, error) { return fn(a1, a2, a3), nil }, opts, shapePlain)
	if err != nil {
		return nil, err
	}
	return func(a1 A1, a2 A2, a3 A3) R {
		r, _ := f(context.Background(), a1, a2, a3) // fn reports no error
		return r
	}, nil
}
