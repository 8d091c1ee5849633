package mongocache

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Delete removes the entry under key in namespace, if there is one; see
// cachetoolz.Deleter. In one round trip, and leaving the namespace's
// generation alone, it turns the entry's document into a tombstone: the
// value and the pending mark go, the document takes a new write_id (so it
// is no longer committed) and the server's time in modified_at (so that
// tracking backends see the deletion; see [Backend.Track]), and it expires
// now, so that the server's TTL monitor removes it. A Set in flight whose
// mark it removed between the Set's mark and its commit writes nothing:
// the commit matches no document.
func (b *Backend) Delete(ctx context.Context, namespace, key string) error {
	ctx, cancel, err := b.begin(ctx, "delete")
	if err != nil {
		return err
	}
	defer cancel()
	s := b.space(namespace)
	wid := int64(rand.Uint64())
	b.mine(wid)
	update := bson.D{
		{Key: "$set", Value: bson.D{
			{Key: fieldWrite, Value: wid},
			{Key: fieldExpires, Value: bson.NewDateTimeFromTime(time.Now())},
		}},
		{Key: "$unset", Value: bson.D{{Key: fieldValue, Value: ""}, {Key: fieldPending, Value: ""}}},
		stamp,
	}
	_, err = s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: docID(key)}}, update)
	b.deleted(namespace, key) // a Delete that failed may have deleted
	if err != nil {
		return fmt.Errorf("cachetoolz: mongo: delete: %w", err)
	}
	return nil
}
