package cachetoolz

import (
	"context"
	"reflect"
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
// key (a function, a channel, an unsafe pointer) or an option is out of
// range.
//
// A call that finds its result cached returns it. Otherwise it runs the
// function, once for all the concurrent calls with the same arguments, and
// caches the result unless the function returned an error or panicked. A
// panic reaches every caller waiting for that run, as a panic with the
// original value and stack. A caller whose context is done stops waiting and
// returns the context's error; the run goes on, detached from that
// cancellation, and its result is cached for the next call. Wrappers without
// an error result cannot report a done context, so their callers wait for
// the run to end.
//
// Trouble with the backend never fails a call: the function runs, and the
// trouble is counted in Stats and logged.

// key0 builds the key of a call of a function with 0 arguments.
func key0[R any](w *wrapper[R], b []byte) ([]byte, error) {
	if w.keys != nil {
		return w.custom(b)
	}
	b = append(b, w.prefix[:]...)
	return b, nil
}

// Wrap0 caches a function that takes a context and returns an error, with no arguments.
func Wrap0[R any](c *Cache, fn func(context.Context) (R, error), opts *Options) (func(context.Context) (R, error), error) {
	w, err := newWrapper[R](c, fn, opts)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (R, error) {
		var buf [keyBufSize]byte
		key, err := key0(w, buf[:0])
		if err != nil {
			var zero R
			return zero, err
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r, nil
		}
		return w.load(ctx, key, p, func(ctx context.Context) (R, error) { return fn(ctx) })
	}, nil
}

// Wrap0NoCtx caches a function that returns an error but takes no context, with no arguments.
func Wrap0NoCtx[R any](c *Cache, fn func() (R, error), opts *Options) (func() (R, error), error) {
	w, err := newWrapper[R](c, fn, opts)
	if err != nil {
		return nil, err
	}
	return func() (R, error) {
		ctx := context.Background()
		var buf [keyBufSize]byte
		key, err := key0(w, buf[:0])
		if err != nil {
			var zero R
			return zero, err
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r, nil
		}
		return w.load(ctx, key, p, func(_ context.Context) (R, error) { return fn() })
	}, nil
}

// Wrap0NoErr caches a function that takes a context but returns no error, with no arguments.
func Wrap0NoErr[R any](c *Cache, fn func(context.Context) R, opts *Options) (func(context.Context) R, error) {
	w, err := newWrapper[R](c, fn, opts)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) R {
		var buf [keyBufSize]byte
		key, err := key0(w, buf[:0])
		if err != nil {
			w.uncached(err)
			return fn(ctx)
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r
		}
		r, _ = w.load(context.WithoutCancel(ctx), key, p, func(ctx context.Context) (R, error) { return fn(ctx), nil })
		return r
	}, nil
}

// Wrap0Plain caches a function that takes no context and returns no error, with no arguments.
func Wrap0Plain[R any](c *Cache, fn func() R, opts *Options) (func() R, error) {
	w, err := newWrapper[R](c, fn, opts)
	if err != nil {
		return nil, err
	}
	return func() R {
		ctx := context.Background()
		var buf [keyBufSize]byte
		key, err := key0(w, buf[:0])
		if err != nil {
			w.uncached(err)
			return fn()
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r
		}
		r, _ = w.load(context.WithoutCancel(ctx), key, p, func(_ context.Context) (R, error) { return fn(), nil })
		return r
	}, nil
}

// key1 builds the key of a call of a function with 1 arguments.
func key1[A1, R any](w *wrapper[R], b []byte, a1 A1) ([]byte, error) {
	if w.keys != nil {
		return w.custom(b, a1)
	}
	b = append(b, w.prefix[:]...)
	var err error
	if b, err = appendArg(b, a1, &w.args[0]); err != nil {
		return nil, err
	}
	return b, nil
}

// Wrap1 caches a function that takes a context and returns an error, with one argument.
func Wrap1[A1, R any](c *Cache, fn func(context.Context, A1) (R, error), opts *Options) (func(context.Context, A1) (R, error), error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1]())
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1) (R, error) {
		var buf [keyBufSize]byte
		key, err := key1(w, buf[:0], a1)
		if err != nil {
			var zero R
			return zero, err
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r, nil
		}
		return w.load(ctx, key, p, func(ctx context.Context) (R, error) { return fn(ctx, a1) })
	}, nil
}

// Wrap1NoCtx caches a function that returns an error but takes no context, with one argument.
func Wrap1NoCtx[A1, R any](c *Cache, fn func(A1) (R, error), opts *Options) (func(A1) (R, error), error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1]())
	if err != nil {
		return nil, err
	}
	return func(a1 A1) (R, error) {
		ctx := context.Background()
		var buf [keyBufSize]byte
		key, err := key1(w, buf[:0], a1)
		if err != nil {
			var zero R
			return zero, err
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r, nil
		}
		return w.load(ctx, key, p, func(_ context.Context) (R, error) { return fn(a1) })
	}, nil
}

// Wrap1NoErr caches a function that takes a context but returns no error, with one argument.
func Wrap1NoErr[A1, R any](c *Cache, fn func(context.Context, A1) R, opts *Options) (func(context.Context, A1) R, error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1]())
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1) R {
		var buf [keyBufSize]byte
		key, err := key1(w, buf[:0], a1)
		if err != nil {
			w.uncached(err)
			return fn(ctx, a1)
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r
		}
		r, _ = w.load(context.WithoutCancel(ctx), key, p, func(ctx context.Context) (R, error) { return fn(ctx, a1), nil })
		return r
	}, nil
}

// Wrap1Plain caches a function that takes no context and returns no error, with one argument.
func Wrap1Plain[A1, R any](c *Cache, fn func(A1) R, opts *Options) (func(A1) R, error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1]())
	if err != nil {
		return nil, err
	}
	return func(a1 A1) R {
		ctx := context.Background()
		var buf [keyBufSize]byte
		key, err := key1(w, buf[:0], a1)
		if err != nil {
			w.uncached(err)
			return fn(a1)
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r
		}
		r, _ = w.load(context.WithoutCancel(ctx), key, p, func(_ context.Context) (R, error) { return fn(a1), nil })
		return r
	}, nil
}

// key2 builds the key of a call of a function with 2 arguments.
func key2[A1, A2, R any](w *wrapper[R], b []byte, a1 A1, a2 A2) ([]byte, error) {
	if w.keys != nil {
		return w.custom(b, a1, a2)
	}
	b = append(b, w.prefix[:]...)
	var err error
	if b, err = appendArg(b, a1, &w.args[0]); err != nil {
		return nil, err
	}
	if b, err = appendArg(b, a2, &w.args[1]); err != nil {
		return nil, err
	}
	return b, nil
}

// Wrap2 caches a function that takes a context and returns an error, with two arguments.
func Wrap2[A1, A2, R any](c *Cache, fn func(context.Context, A1, A2) (R, error), opts *Options) (func(context.Context, A1, A2) (R, error), error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2]())
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1, a2 A2) (R, error) {
		var buf [keyBufSize]byte
		key, err := key2(w, buf[:0], a1, a2)
		if err != nil {
			var zero R
			return zero, err
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r, nil
		}
		return w.load(ctx, key, p, func(ctx context.Context) (R, error) { return fn(ctx, a1, a2) })
	}, nil
}

// Wrap2NoCtx caches a function that returns an error but takes no context, with two arguments.
func Wrap2NoCtx[A1, A2, R any](c *Cache, fn func(A1, A2) (R, error), opts *Options) (func(A1, A2) (R, error), error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2]())
	if err != nil {
		return nil, err
	}
	return func(a1 A1, a2 A2) (R, error) {
		ctx := context.Background()
		var buf [keyBufSize]byte
		key, err := key2(w, buf[:0], a1, a2)
		if err != nil {
			var zero R
			return zero, err
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r, nil
		}
		return w.load(ctx, key, p, func(_ context.Context) (R, error) { return fn(a1, a2) })
	}, nil
}

// Wrap2NoErr caches a function that takes a context but returns no error, with two arguments.
func Wrap2NoErr[A1, A2, R any](c *Cache, fn func(context.Context, A1, A2) R, opts *Options) (func(context.Context, A1, A2) R, error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2]())
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1, a2 A2) R {
		var buf [keyBufSize]byte
		key, err := key2(w, buf[:0], a1, a2)
		if err != nil {
			w.uncached(err)
			return fn(ctx, a1, a2)
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r
		}
		r, _ = w.load(context.WithoutCancel(ctx), key, p, func(ctx context.Context) (R, error) { return fn(ctx, a1, a2), nil })
		return r
	}, nil
}

// Wrap2Plain caches a function that takes no context and returns no error, with two arguments.
func Wrap2Plain[A1, A2, R any](c *Cache, fn func(A1, A2) R, opts *Options) (func(A1, A2) R, error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2]())
	if err != nil {
		return nil, err
	}
	return func(a1 A1, a2 A2) R {
		ctx := context.Background()
		var buf [keyBufSize]byte
		key, err := key2(w, buf[:0], a1, a2)
		if err != nil {
			w.uncached(err)
			return fn(a1, a2)
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r
		}
		r, _ = w.load(context.WithoutCancel(ctx), key, p, func(_ context.Context) (R, error) { return fn(a1, a2), nil })
		return r
	}, nil
}

// key3 builds the key of a call of a function with 3 arguments.
func key3[A1, A2, A3, R any](w *wrapper[R], b []byte, a1 A1, a2 A2, a3 A3) ([]byte, error) {
	if w.keys != nil {
		return w.custom(b, a1, a2, a3)
	}
	b = append(b, w.prefix[:]...)
	var err error
	if b, err = appendArg(b, a1, &w.args[0]); err != nil {
		return nil, err
	}
	if b, err = appendArg(b, a2, &w.args[1]); err != nil {
		return nil, err
	}
	if b, err = appendArg(b, a3, &w.args[2]); err != nil {
		return nil, err
	}
	return b, nil
}

// Wrap3 caches a function that takes a context and returns an error, with three arguments.
func Wrap3[A1, A2, A3, R any](c *Cache, fn func(context.Context, A1, A2, A3) (R, error), opts *Options) (func(context.Context, A1, A2, A3) (R, error), error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2](), reflect.TypeFor[A3]())
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1, a2 A2, a3 A3) (R, error) {
		var buf [keyBufSize]byte
		key, err := key3(w, buf[:0], a1, a2, a3)
		if err != nil {
			var zero R
			return zero, err
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r, nil
		}
		return w.load(ctx, key, p, func(ctx context.Context) (R, error) { return fn(ctx, a1, a2, a3) })
	}, nil
}

// Wrap3NoCtx caches a function that returns an error but takes no context, with three arguments.
func Wrap3NoCtx[A1, A2, A3, R any](c *Cache, fn func(A1, A2, A3) (R, error), opts *Options) (func(A1, A2, A3) (R, error), error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2](), reflect.TypeFor[A3]())
	if err != nil {
		return nil, err
	}
	return func(a1 A1, a2 A2, a3 A3) (R, error) {
		ctx := context.Background()
		var buf [keyBufSize]byte
		key, err := key3(w, buf[:0], a1, a2, a3)
		if err != nil {
			var zero R
			return zero, err
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r, nil
		}
		return w.load(ctx, key, p, func(_ context.Context) (R, error) { return fn(a1, a2, a3) })
	}, nil
}

// Wrap3NoErr caches a function that takes a context but returns no error, with three arguments.
func Wrap3NoErr[A1, A2, A3, R any](c *Cache, fn func(context.Context, A1, A2, A3) R, opts *Options) (func(context.Context, A1, A2, A3) R, error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2](), reflect.TypeFor[A3]())
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, a1 A1, a2 A2, a3 A3) R {
		var buf [keyBufSize]byte
		key, err := key3(w, buf[:0], a1, a2, a3)
		if err != nil {
			w.uncached(err)
			return fn(ctx, a1, a2, a3)
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r
		}
		r, _ = w.load(context.WithoutCancel(ctx), key, p, func(ctx context.Context) (R, error) { return fn(ctx, a1, a2, a3), nil })
		return r
	}, nil
}

// Wrap3Plain caches a function that takes no context and returns no error, with three arguments.
func Wrap3Plain[A1, A2, A3, R any](c *Cache, fn func(A1, A2, A3) R, opts *Options) (func(A1, A2, A3) R, error) {
	w, err := newWrapper[R](c, fn, opts, reflect.TypeFor[A1](), reflect.TypeFor[A2](), reflect.TypeFor[A3]())
	if err != nil {
		return nil, err
	}
	return func(a1 A1, a2 A2, a3 A3) R {
		ctx := context.Background()
		var buf [keyBufSize]byte
		key, err := key3(w, buf[:0], a1, a2, a3)
		if err != nil {
			w.uncached(err)
			return fn(a1, a2, a3)
		}
		r, p, ok := w.lookup(ctx, key, true)
		if ok {
			return r
		}
		r, _ = w.load(context.WithoutCancel(ctx), key, p, func(_ context.Context) (R, error) { return fn(a1, a2, a3), nil })
		return r
	}, nil
}
