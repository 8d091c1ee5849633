package methods

import (
	"encoding"
	"reflect"
	"testing"
	"time"
)

type valueRecv struct{}

func (valueRecv) MarshalText() ([]byte, error) { return nil, nil }

type ptrRecv struct{}

func (*ptrRecv) MarshalText() ([]byte, error) { return nil, nil }

type embedsTime struct {
	time.Time
	N int
}

type embedsPtr struct {
	*time.Time
	N int
}

type hides struct {
	time.Time
	N int
}

func (hides) MarshalText() ([]byte, error) { return nil, nil }

type generic[T any] struct{ V T }

func (generic[T]) MarshalText() ([]byte, error) { return nil, nil }

func TestOwn(t *testing.T) {
	text := reflect.TypeFor[encoding.TextMarshaler]()
	for _, c := range []struct {
		t    reflect.Type
		want bool
	}{
		{reflect.TypeFor[valueRecv](), true},
		{reflect.TypeFor[ptrRecv](), true},
		{reflect.TypeFor[time.Time](), true},
		{reflect.TypeFor[embedsTime](), false},
		{reflect.TypeFor[embedsPtr](), false},
		{reflect.TypeFor[hides](), true},
		{reflect.TypeFor[generic[int]](), true},
		{reflect.TypeFor[int](), false},
		{reflect.TypeFor[*valueRecv](), false},
		{reflect.TypeFor[encoding.TextMarshaler](), false},
	} {
		if got := Own(c.t, text); got != c.want {
			t.Errorf("Own(%v) = %v, want %v", c.t, got, c.want)
		}
	}
}
