package pykey

import (
	"math"
	"math/big"
	"slices"
)

// Python's comparisons of the values a Generator pickles, to sort dict keys
// and typed keyword values as Python does.

func isNumber(o *object) bool {
	return o.kind == kBool || o.kind == kInt || o.kind == kFloat
}

func isNaN(o *object) bool {
	return o.kind == kFloat && math.IsNaN(o.f)
}

// numCmp compares two numbers exactly, as Python does across bool, int and
// float; ok is false when either is NaN.
func numCmp(a, b *object) (c int, ok bool) {
	if isNaN(a) || isNaN(b) {
		return 0, false
	}
	if a.kind == kFloat && b.kind == kFloat {
		switch {
		case a.f < b.f:
			return -1, true
		case a.f > b.f:
			return 1, true
		}
		return 0, true
	}
	if a.kind != kFloat && b.kind != kFloat {
		if a.big == nil && b.big == nil {
			x, y := intValue(a), intValue(b)
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
		return bigValue(a).Cmp(bigValue(b)), true
	}
	// An int and a float: exactly, not by rounding the int.
	if a.kind == kFloat {
		c, ok := numCmp(b, a)
		return -c, ok
	}
	if math.IsInf(b.f, 0) {
		if b.f > 0 {
			return -1, true
		}
		return 1, true
	}
	x := new(big.Float).SetInt(bigValue(a))
	return x.Cmp(new(big.Float).SetFloat64(b.f)), true
}

func intValue(o *object) int64 {
	if o.kind == kBool {
		if o.b {
			return 1
		}
		return 0
	}
	return o.i
}

func bigValue(o *object) *big.Int {
	if o.big != nil {
		return o.big
	}
	return big.NewInt(intValue(o))
}

// pyEqual reports whether Python's a == b is true.
func pyEqual(a, b *object) bool {
	if isNumber(a) && isNumber(b) {
		c, ok := numCmp(a, b)
		return ok && c == 0
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case kNone:
		return true
	case kStr, kBytes:
		return a.s == b.s
	case kTuple, kList:
		if len(a.items) != len(b.items) {
			return false
		}
		for i := range a.items {
			if !pyEqual(&a.items[i], &b.items[i]) {
				return false
			}
		}
		return true
	case kDict:
		if len(a.items) != len(b.items) {
			return false
		}
	next:
		for i := 0; i < len(a.items); i += 2 {
			for j := 0; j < len(b.items); j += 2 {
				if pyEqual(&a.items[i], &b.items[j]) {
					if !pyEqual(&a.items[i+1], &b.items[j+1]) {
						return false
					}
					continue next
				}
			}
			return false
		}
		return true
	}
	return false
}

// pyLess returns Python's a < b, or an error where Python raises TypeError.
func pyLess(a, b *object) (bool, error) {
	if isNumber(a) && isNumber(b) {
		c, ok := numCmp(a, b)
		return ok && c < 0, nil
	}
	if a.kind == b.kind {
		switch a.kind {
		case kStr, kBytes:
			// UTF-8 orders strings by code point, as Python does.
			return a.s < b.s, nil
		case kTuple, kList:
			n := min(len(a.items), len(b.items))
			for i := range n {
				if !pyEqual(&a.items[i], &b.items[i]) {
					return pyLess(&a.items[i], &b.items[i])
				}
			}
			return len(a.items) < len(b.items), nil
		}
	}
	return false, unsupported("Python cannot order a %s and a %s", typeNames[a.kind], typeNames[b.kind])
}

// hashable reports whether o can be a dict key in Python.
func hashable(o *object) bool {
	switch o.kind {
	case kList, kDict:
		return false
	case kTuple:
		for i := range o.items {
			if !hashable(&o.items[i]) {
				return false
			}
		}
	}
	return true
}

// sortKeys returns the order of the keys of a dict in Python's sorted
// order. It fails where Python's sort would raise, or the keys would not be
// distinct dict keys.
func sortKeys(keys []object) ([]int, error) {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
		if !hashable(&keys[i]) {
			return nil, unsupported("a %s cannot be a dict key", typeNames[keys[i].kind])
		}
		if isNaN(&keys[i]) {
			return nil, unsupported("NaN cannot be a dict key")
		}
	}
	var err error
	slices.SortFunc(order, func(i, j int) int {
		if err != nil {
			return 0
		}
		var lt bool
		if lt, err = pyLess(&keys[i], &keys[j]); lt {
			return -1
		}
		if lt, err = pyLess(&keys[j], &keys[i]); lt {
			return 1
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	for n := 1; n < len(order); n++ {
		lt, err := pyLess(&keys[order[n-1]], &keys[order[n]])
		if err != nil {
			return nil, err
		}
		if !lt {
			return nil, unsupported("dict keys equal in Python (such as 1, 1.0 and True)")
		}
	}
	return order, nil
}

// sortValues returns the kinds of the values in Python's sorted order: a
// stable sort by <. It fails where Python's sort would raise, and where a
// NaN among numbers of different types leaves their order to the sort's
// algorithm.
func sortValues(vals []object) ([]kind, error) {
	order := make([]int, 0, len(vals))
	nan, mixed := false, false
	for i := range vals {
		nan = nan || isNaN(&vals[i])
		mixed = mixed || vals[i].kind != vals[0].kind
		// Insertion: after every element that is not greater.
		j := len(order)
		for ; j > 0; j-- {
			lt, err := pyLess(&vals[i], &vals[order[j-1]])
			if err != nil {
				return nil, err
			}
			if !lt {
				break
			}
		}
		order = slices.Insert(order, j, i)
	}
	if nan && mixed {
		return nil, unsupported("Python's order of NaN among numbers of different types is unspecified")
	}
	kinds := make([]kind, len(order))
	for n, i := range order {
		kinds[n] = vals[i].kind
	}
	return kinds, nil
}

func sortStrings(s []string) { slices.Sort(s) }
