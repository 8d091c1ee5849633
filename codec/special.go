package codec

import (
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"time"
)

// special is the built-in handling of a standard library type whose kind
// alone would lose information (unexported fields, lossy text forms).
type special struct {
	enc func(b *builder, t reflect.Type) (encFunc, error)
	dec func(b *builder, t reflect.Type) (decFunc, error)
}

// fixed makes a special from plain functions.
func fixed(enc encFunc, dec decFunc) special {
	return special{
		enc: func(*builder, reflect.Type) (encFunc, error) { return enc, nil },
		dec: func(*builder, reflect.Type) (decFunc, error) { return dec, nil },
	}
}

var specials map[reflect.Type]special

func init() {
	specials = map[reflect.Type]special{
		reflect.TypeFor[time.Time]():     fixed(encTime, decTime),
		reflect.TypeFor[big.Int]():       fixed(encBigInt, decBigInt),
		reflect.TypeFor[big.Rat]():       fixed(encBigRat, decBigRat),
		reflect.TypeFor[big.Float]():     fixed(encBigFloat, decBigFloat),
		reflect.TypeFor[regexp.Regexp](): fixed(encRegexp, decRegexp),
		reflect.TypeFor[url.Userinfo]():  fixed(encUserinfo, decUserinfo),
		reflect.TypeFor[net.IP]():        fixed(encIP, decIP),
		reflect.TypeFor[netip.Prefix]():  fixed(encPrefix, decTextUnmarshaler),
		reflect.TypeFor[url.URL](): {
			enc: func(b *builder, t reflect.Type) (encFunc, error) { return b.urlEnc(t) },
			dec: func(b *builder, t reflect.Type) (decFunc, error) { return b.urlDec(t) },
		},
		reflect.TypeFor[net.IPNet](): {
			enc: func(b *builder, t reflect.Type) (encFunc, error) { return b.ipNetEnc(t) },
			dec: func(b *builder, t reflect.Type) (decFunc, error) { return b.ipNetDec(t) },
		},
	}
}
