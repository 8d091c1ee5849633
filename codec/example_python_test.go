package codec_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
)

// Values in the format of the Python cachetoolz: what a Python service
// stores, a Go service reads, and the reverse.
func ExamplePythonCodec() {
	type Order struct {
		ID     codec.UUID          `json:"id"`
		Placed time.Time           `json:"placed"`
		Due    codec.Date          `json:"due"`
		Total  codec.Decimal       `json:"total"`
		Tags   codec.Set[string]   `json:"tags"`
		Wait   time.Duration       `json:"wait"`
		Path   codec.PosixPath     `json:"path"`
		Notes  codec.Deque[string] `json:"notes"`
	}
	total, _ := codec.ParseDecimal("12.50")
	in := Order{
		ID:     codec.UUID{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00},
		Placed: time.Date(2024, 2, 29, 13, 45, 7, 0, time.UTC),
		Due:    codec.Date{Year: 2024, Month: time.March, Day: 1},
		Total:  total,
		Tags:   codec.Set[string]{"gift": {}},
		Wait:   90 * time.Minute,
		Path:   "/srv/orders",
		Notes:  codec.Deque[string]{Items: []string{"é"}},
	}
	data, err := codec.Python.Marshal(in)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data))

	var out Order
	if err := codec.Python.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	fmt.Println(out.Total, out.Due, out.Placed, out.Wait)

	// Into an interface value, each Python type has its Go type.
	var v any
	if err := codec.Python.Unmarshal([]byte(`{"__val": [1, 2], "__decoder": "frozenset"}`), &v); err != nil {
		panic(err)
	}
	fmt.Printf("%T\n", v)

	// What Python could not read back exactly is refused.
	_, err = codec.Python.Marshal([]byte{0xff, 0xd8})
	fmt.Println(errors.Is(err, codec.ErrUnsupported))
	// Output:
	// {"id": {"__val": "123e4567-e89b-12d3-a456-426614174000", "__decoder": "uuid"}, "placed": {"__val": "2024-02-29 13:45:07+00:00", "__decoder": "datetime"}, "due": {"__val": "2024-03-01", "__decoder": "date"}, "total": {"__val": "12.50", "__decoder": "decimal"}, "tags": {"__val": ["gift"], "__decoder": "set"}, "wait": {"__val": 5400.0, "__decoder": "timedelta"}, "path": {"__val": "/srv/orders", "__decoder": "posixpath"}, "notes": {"__val": {"iterable": ["\u00e9"], "maxlen": null}, "__decoder": "deque"}}
	// 12.50 2024-03-01 2024-02-29 13:45:07 +0000 UTC 1h30m0s
	// codec.FrozenSet[interface {}]
	// true
}

// A type of the Python service's own, registered there with
// encoder.register("money") and decoder.register("money").
func ExampleRegisterPython() {
	type Money struct {
		Cents    int64
		Currency string
	}
	p := codec.NewPython()
	err := codec.RegisterPython(p, "money",
		func(m Money) ([2]string, error) { return [2]string{fmt.Sprint(m.Cents), m.Currency}, nil },
		func(r [2]string) (Money, error) {
			var m Money
			_, err := fmt.Sscan(r[0], &m.Cents)
			m.Currency = r[1]
			return m, err
		})
	if err != nil {
		panic(err)
	}
	data, _ := p.Marshal(Money{1999, "EUR"})
	fmt.Println(string(data))

	var v any
	if err := p.Unmarshal(data, &v); err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", v)
	// Output:
	// {"__val": ["1999", "EUR"], "__decoder": "money"}
	// {Cents:1999 Currency:EUR}
}
