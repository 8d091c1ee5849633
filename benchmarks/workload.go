package benchmarks

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"
)

// User is the value every benchmark caches: a small struct holding a string
// slice, so that a copy shares the slice and an encoded copy does not.
type User struct {
	ID   int
	Name string
	Tags []string
}

// numKeys is the size of the hit working set: the hit benchmarks cache every
// one of these keys before the clock starts.
const numKeys = 1024

// keyMask maps any counter onto the hit working set.
const keyMask = numKeys - 1

// capacity bounds every cache that can be bounded, in entries. It holds the
// whole hit working set many times over, so that a hit never misses, while
// the miss benchmarks fill it and run with eviction in steady state.
const capacity = 1 << 14

// ttl is the time to live given to every memoizing cache that takes one. It
// is far longer than any run, so no entry expires during a benchmark; it is
// there because some peers require a TTL, and the others are given the same
// so that every one of them checks expiry on its read path.
const ttl = time.Hour

// users holds the value loaded for each key of the working set, built once so
// that the loader itself allocates nothing and every library caches the very
// same values.
var users = func() [numKeys]User {
	var us [numKeys]User
	for i := range us {
		us[i] = User{
			ID:   i,
			Name: "user-" + strconv.Itoa(i),
			Tags: []string{"alpha", "beta", "tag-" + strconv.Itoa(i%7)},
		}
	}
	return us
}()

// hitKeys is the key sequence of the hit benchmarks: a fixed pseudo-random
// permutation of 0..numKeys-1, read as hitKeys[i&keyMask], so that reads are
// neither sequential nor different from one library to the next.
var hitKeys = func() [numKeys]int {
	var ks [numKeys]int
	for i := range ks {
		ks[i] = i
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
	return ks
}()

// load is the function being memoized: it returns the User for id without
// allocating. Ids beyond the working set (the miss benchmarks) get the value
// of id&keyMask with their own ID.
func load(_ context.Context, id int) (User, error) {
	u := users[id&keyMask]
	u.ID = id
	return u, nil
}

// memo is a memoized load: every library under test is wrapped into one, and
// the same benchmark driver runs them all.
type memo func(ctx context.Context, id int) (User, error)
