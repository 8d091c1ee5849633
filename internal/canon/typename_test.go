package canon

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestTypeNameUsesPackagePaths(t *testing.T) {
	for _, c := range []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeFor[int](), "int"},
		{reflect.TypeFor[netip.Addr](), "net/netip.Addr"},
		{reflect.TypeFor[[]netip.Addr](), "[]net/netip.Addr"},
		{reflect.TypeFor[map[string]*netip.Prefix](), "map[string]*net/netip.Prefix"},
		{reflect.TypeFor[[2]any](), "[2]interface {}"},
		{reflect.TypeFor[struct {
			netip.Addr
			port int `k:"v"`
		}](), `struct { embedded Addr net/netip.Addr; github.com/cachetoolz/cachetoolz/internal/canon.port int "k:\"v\""; }`},
	} {
		if got := typeName(c.t); got != c.want {
			t.Errorf("typeName(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}
