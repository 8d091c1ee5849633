package codec_test

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/cachetoolz/cachetoolz/codec"
)

// Before caching results of a type on a backend that stores bytes, check
// that the codec carries them whole: an unexported field would come back
// zero.
func ExampleJSONCodec_CheckType() {
	type Settings struct {
		Theme string
		token string
	}
	type Session struct {
		User     string
		Settings Settings
	}
	_ = Settings{}.token
	err := codec.JSON.CheckType(reflect.TypeFor[Session]())
	fmt.Println(errors.Is(err, codec.ErrIncomplete))
	fmt.Println(err)

	type Public struct {
		User  string
		Theme string
		cache []byte `json:"-"` // left out on purpose
	}
	fmt.Println(codec.JSON.CheckType(reflect.TypeFor[Public]()), Public{}.cache)
	// Output:
	// true
	// cachetoolz: codec: incomplete: codec_test.Session cannot be cached whole: Session.Settings.token is unexported and would come back zero. To keep it: export the fields of codec_test.Settings that must be kept and tag the others json:"-", or give codec_test.Settings an encoding of its own with codec.Register[codec_test.Settings, R] (or MarshalJSON and UnmarshalJSON methods)
	// <nil> []
}
