package cachetoolz

import "context"

// Deleter is implemented by backends that can remove one entry: the memory,
// Redis and MongoDB backends do. The Forget control (see WithControl) uses
// it.
type Deleter interface {
	// Delete removes the entry under key in namespace, if there is one.
	// Deleting an entry that is not there is not an error. It does not
	// change the namespace's generation: a load in flight may still store
	// its result afterwards.
	Delete(ctx context.Context, namespace, key string) error
}
