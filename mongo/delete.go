package mongocache

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Delete removes the entry under key in namespace, if there is one; see
// cachetoolz.Deleter. It removes the entry's document, in one round trip,
// and leaves the namespace's generation alone. A Set in flight whose
// document it removed between the Set's mark and its commit writes
// nothing: the commit matches no document.
func (b *Backend) Delete(ctx context.Context, namespace, key string) error {
	ctx, cancel, err := b.begin(ctx, "delete")
	if err != nil {
		return err
	}
	defer cancel()
	s := b.space(namespace)
	if _, err := s.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: docID(key)}}); err != nil {
		return fmt.Errorf("cachetoolz: mongo: delete: %w", err)
	}
	return nil
}
