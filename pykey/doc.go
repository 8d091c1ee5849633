// Package pykey computes the cache keys of the Python cachetoolz library
// (version 0.3.2), so that a Go service and a Python service can share
// cached results in one store.
//
// Python's key for a call of func(*args, **kwargs) is the lowercase
// hexadecimal MD5 of
//
//	pickle.dumps(((func.__module__, func.__name__), args, tuple(sorted(kwargs.items()))))
//
// and, when the function is typed, the tuple is extended with type(v) for
// each positional argument and then for each keyword argument's value, in
// sorted order of the values. A Generator produces the same bytes and the
// same digest for pickle protocols 4 (the default of Python 3.8 to 3.13)
// and 5 (the default of Python 3.14). Generator.Pickle returns the pickle
// itself, for comparison with pickle.dumps when keys do not match.
//
// # Arguments
//
// The arguments of a call map to Python values as follows:
//
//   - nil, and a nil pointer, is None; a non-nil pointer is the value it
//     points to.
//   - A bool is a bool.
//   - Every Go integer type, and a *big.Int, is an int.
//   - A float32 or float64 is a float (a float32 by its exact float64
//     value). Every NaN is Python's float('nan'), the quiet NaN with no
//     payload, keeping its sign: math.NaN() and float('nan') agree.
//   - A string is a str; it must be valid UTF-8.
//   - A []byte or an array of bytes is bytes.
//   - A Tuple, or any other array, is a tuple.
//   - Any other slice is a list; a nil slice is an empty list.
//   - A map is a dict built in sorted order of its keys, as by
//     dict(sorted(m.items())); a nil map is an empty dict. The keys must be
//     ordered by Python's < (all numbers, all str, all bytes or all tuples)
//     and distinct under Python's == (the keys 1, 1.0 and true are one key
//     in Python, and NaN is no key).
//   - A Kwargs as the last argument holds the keyword arguments; it is not
//     accepted anywhere else.
//
// Any other value (a struct, a complex number, a channel, a Kwargs that is
// not the last argument, a value nested more than 500 deep) makes Key fail
// with an error wrapping cachetoolz.ErrUnsupportedArgument, and the call
// runs uncached. Key fails in the same way where Python's key function
// raises: in a typed call whose keyword values Python cannot sort (values
// of types that do not compare, such as a str and an int, or two dicts), or
// whose sorted order is unspecified (a NaN among numbers of different
// types). Keyword values that compare equal but differ in type, such as 1
// and 1.0, sort in the order of their names, as if passed in that order.
//
// # Object identity
//
// Pickle writes an object that occurs twice in the pickled value once and
// refers back to it the second time, so the key depends on which of the
// values are one Python object. Generator follows the objects that CPython
// makes when a function is called with values built at run time (decoded
// from a request, read from a database), as opposed to literal constants in
// Python source:
//
//   - Every Go value is an object of its own: two equal strings, tuples or
//     lists in different places are two objects, even when they are the
//     same Go slice or map.
//   - The empty str, each one-character str whose code point is below
//     U+0100, the empty bytes and each one-byte bytes are one object each
//     wherever they occur, as CPython keeps one instance of each.
//   - The module name, the function name and the keyword names are
//     interned strings: equal ones are one object (for instance a function
//     named like its module). The module name of every type in a typed key
//     is the interned "builtins".
//
// Python calls that share other objects, such as one string object passed
// twice (f(s, s)) or two equal string literals in the calling code, get a
// different key. On Python 3.11 and 3.12, a one-character module, function
// or keyword name written in the source is not CPython's shared
// one-character string, so it is not the object of an equal argument value;
// Python 3.8 to 3.10 and 3.13 share them as Generator does.
package pykey
