package cachetoolz

import (
	"context"
	"errors"
	"fmt"
	"reflect"
)

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

// ClearAfter wraps fn, a function of any signature, so that each call that
// returns without an error clears the given namespaces (with none,
// DefaultNamespace): the seed's @cache.clear. A call returns without an error
// if fn's last result is not an error, or is a nil one. The clear uses fn's
// leading context.Context if it has one, detached from its cancellation and
// bounded by ten times the cache's Timeout. A failed clear is logged and
// counted; it does not change what the call returns, since fn has done its
// work.
//
// A nil *Cache means Default(). ClearAfter fails if fn is not a function.
func ClearAfter[F any](c *Cache, fn F, namespaces ...string) (F, error) {
	var zero F
	if c == nil {
		c = Default()
	}
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return zero, fmt.Errorf("cachetoolz: ClearAfter needs a non-nil function, not %T", fn)
	}
	t := v.Type()
	takesCtx := t.NumIn() > 0 && t.In(0) == contextType
	returnsErr := t.NumOut() > 0 && t.Out(t.NumOut()-1) == errorType
	if len(namespaces) == 0 {
		namespaces = []string{DefaultNamespace}
	}
	names := append([]string(nil), namespaces...)
	wrapped := reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		var out []reflect.Value
		if t.IsVariadic() {
			out = v.CallSlice(args)
		} else {
			out = v.Call(args)
		}
		if returnsErr && !out[len(out)-1].IsNil() {
			return out
		}
		ctx := context.Background()
		if takesCtx && !args[0].IsNil() {
			if c, ok := args[0].Interface().(context.Context); ok {
				ctx = c
			}
		}
		c.clearAfter(ctx, names)
		return out
	})
	f, ok := wrapped.Interface().(F)
	if !ok {
		return zero, errors.New("cachetoolz: ClearAfter: internal type mismatch")
	}
	return f, nil
}

func (c *Cache) clearAfter(ctx context.Context, names []string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*c.cfg.Timeout)
	defer cancel()
	if err := c.Clear(ctx, names...); err != nil {
		name := names[0]
		if name == "" {
			name = DefaultNamespace
		}
		c.trouble(c.lookupNamespace(name), name, opClear, err)
	}
}
