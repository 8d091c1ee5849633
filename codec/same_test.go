package codec_test

import (
	"fmt"
	"math"
	"math/big"
	"net/url"
	"reflect"
	"regexp"
	"time"
)

// sameValue reports, with a description of the first difference, whether
// a and b hold the same value in the strictest sense a round trip can
// promise: nil and empty apart, NaN equal to NaN, -0 apart from +0, times
// equal as instants with the same zone name and offset, big numbers equal
// with the same precision and mode, regexps with the same source.

var (
	timeType     = reflect.TypeFor[time.Time]()
	bigIntType   = reflect.TypeFor[big.Int]()
	bigRatType   = reflect.TypeFor[big.Rat]()
	bigFloatType = reflect.TypeFor[big.Float]()
	regexpType   = reflect.TypeFor[regexp.Regexp]()
	urlType      = reflect.TypeFor[url.URL]()
)

func addr(v reflect.Value) any {
	if v.CanAddr() {
		return v.Addr().Interface()
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return p.Interface()
}
func sameValue(a, b reflect.Value, path string) error {
	if a.IsValid() != b.IsValid() {
		return fmt.Errorf("%s: validity %v vs %v", path, a.IsValid(), b.IsValid())
	}
	if !a.IsValid() {
		return nil
	}
	if a.Type() != b.Type() {
		return fmt.Errorf("%s: type %v vs %v", path, a.Type(), b.Type())
	}
	diff := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
	switch a.Type() {
	case timeType:
		x, y := a.Interface().(time.Time), b.Interface().(time.Time)
		xn, xo := x.Zone()
		yn, yo := y.Zone()
		if !x.Equal(y) || x.Location().String() != y.Location().String() || xn != yn || xo != yo {
			return diff("time %v (%s) vs %v (%s)", x, x.Location(), y, y.Location())
		}
		return nil
	case bigIntType:
		x, y := addr(a).(*big.Int), addr(b).(*big.Int)
		if x.Cmp(y) != 0 {
			return diff("big.Int %v vs %v", x, y)
		}
		return nil
	case bigRatType:
		x, y := addr(a).(*big.Rat), addr(b).(*big.Rat)
		if x.Cmp(y) != 0 {
			return diff("big.Rat %v vs %v", x, y)
		}
		return nil
	case bigFloatType:
		x, y := addr(a).(*big.Float), addr(b).(*big.Float)
		if x.Cmp(y) != 0 || x.Prec() != y.Prec() || x.Mode() != y.Mode() || x.Signbit() != y.Signbit() || x.IsInf() != y.IsInf() {
			return diff("big.Float %s/%d/%v vs %s/%d/%v", x.Text('g', -1), x.Prec(), x.Mode(), y.Text('g', -1), y.Prec(), y.Mode())
		}
		return nil
	case regexpType:
		x, y := addr(a).(*regexp.Regexp), addr(b).(*regexp.Regexp)
		if x.String() != y.String() || x.NumSubexp() != y.NumSubexp() {
			return diff("regexp %v vs %v", x, y)
		}
		return nil
	case urlType:
		x, y := addr(a).(*url.URL), addr(b).(*url.URL)
		if !reflect.DeepEqual(x, y) {
			return diff("url %#v vs %#v", x, y)
		}
		return nil
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		if math.IsNaN(x) && math.IsNaN(y) {
			return nil
		}
		if x != y || math.Signbit(x) != math.Signbit(y) {
			return diff("float %v vs %v", x, y)
		}
		return nil
	case reflect.Complex64, reflect.Complex128:
		x, y := a.Complex(), b.Complex()
		if err := sameValue(reflect.ValueOf(real(x)), reflect.ValueOf(real(y)), path+".real"); err != nil {
			return err
		}
		return sameValue(reflect.ValueOf(imag(x)), reflect.ValueOf(imag(y)), path+".imag")
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() != b.IsNil() {
			return diff("nil %v vs %v", a.IsNil(), b.IsNil())
		}
		if a.IsNil() {
			return nil
		}
		return sameValue(a.Elem(), b.Elem(), "(*"+path+")")
	case reflect.Slice:
		if a.IsNil() != b.IsNil() {
			return diff("nil slice %v vs %v", a.IsNil(), b.IsNil())
		}
		fallthrough
	case reflect.Array:
		if a.Len() != b.Len() {
			return diff("length %d vs %d", a.Len(), b.Len())
		}
		for i := range a.Len() {
			if err := sameValue(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if a.IsNil() != b.IsNil() {
			return diff("nil map %v vs %v", a.IsNil(), b.IsNil())
		}
		if a.Len() != b.Len() {
			return diff("map length %d vs %d", a.Len(), b.Len())
		}
		type kv struct{ k, v reflect.Value }
		var rest []kv
		for it := b.MapRange(); it.Next(); {
			rest = append(rest, kv{it.Key(), it.Value()})
		}
	next:
		for it := a.MapRange(); it.Next(); {
			for i, e := range rest {
				if sameValue(it.Key(), e.k, "") == nil && sameValue(it.Value(), e.v, "") == nil {
					rest = append(rest[:i], rest[i+1:]...)
					continue next
				}
			}
			return diff("entry %v: %v missing", it.Key(), it.Value())
		}
		return nil
	case reflect.Struct:
		exported := 0
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				exported++
			}
		}
		if exported == 0 && a.NumField() > 0 {
			if !reflect.DeepEqual(a.Interface(), b.Interface()) {
				return diff("%#v vs %#v", a.Interface(), b.Interface())
			}
			return nil
		}
		for i := range a.NumField() {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			if err := sameValue(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); err != nil {
				return err
			}
		}
		return nil
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return diff("cannot compare %v", a.Kind())
	}
	if a.Interface() != b.Interface() {
		return diff("%#v vs %#v", a.Interface(), b.Interface())
	}
	return nil
}
