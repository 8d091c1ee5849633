package rediscache

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/rueidis"
)

// Reclaim removes, now, the entries of earlier generations of the given
// namespaces: those hidden by a Clear and not yet reclaimed, including ones a
// stopped process left behind. It works in batches of Options.ReclaimBatch
// keys, one short script each, and returns when nothing is pending or ctx
// ends. Clear starts the same work in the background, so calling Reclaim is
// only needed to wait for it or to pick up leftovers.
func (b *Backend) Reclaim(ctx context.Context, namespaces ...string) error {
	if b.closed.Load() {
		return b.closedErr("reclaim", "")
	}
	if b.s.layout == LayoutSeed {
		return nil // nothing is hidden: a clear deletes
	}
	for _, ns := range namespaces {
		if err := b.reclaimNamespace(ctx, ns); err != nil {
			return err
		}
	}
	return nil
}

// reclaimNamespace reclaims every shard of ns in turn. A shard that fails
// (its master is down, say) does not stop the others; the first error is
// returned once they are done, or at once when ctx ends.
func (b *Backend) reclaimNamespace(ctx context.Context, ns string) error {
	client, err := b.conn()
	if err != nil {
		return b.wrap("reclaim", ns, err)
	}
	var first error
	for _, k := range b.allKeys(ns) {
		if err := b.reclaimShard(ctx, client, k); err != nil {
			if ctx.Err() != nil {
				return b.wrap("reclaim", ns, err)
			}
			if first == nil {
				first = b.wrap("reclaim", ns, err)
			}
		}
	}
	return first
}

// reclaimShard runs the reclaim script on one shard until nothing of it is
// pending: each run one batch, so Redis is never busy for longer.
func (b *Backend) reclaimShard(ctx context.Context, client rueidis.Client, k keys) error {
	keys := []string{k.gen(), k.pending()}
	args := []string{k.entryPrefix(), k.indexPrefix(), strconv.Itoa(b.s.batch)}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		step, cancel := context.WithTimeout(ctx, b.stepTimeout())
		n, err := reclaimScript.Exec(step, client, keys, args).AsInt64()
		cancel()
		if err != nil {
			return err
		}
		if n < 0 {
			return nil
		}
	}
}

func (b *Backend) stepTimeout() time.Duration {
	if b.s.timeout > 0 {
		return b.s.timeout
	}
	return 5 * time.Second
}

func (r *reclaimer) init(b *Backend) {
	r.b = b
	r.queued = make(map[string]bool)
}

// enqueue schedules ns for a background reclaim, starting the worker if none
// runs. A namespace already waiting is not queued twice.
func (r *reclaimer) enqueue(ns string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || r.queued[ns] {
		return
	}
	r.queued[ns] = true
	r.queue = append(r.queue, ns)
	if !r.running {
		r.running = true
		r.wg.Add(1)
		go r.run()
	}
}

// run reclaims queued namespaces until the queue is empty or the backend
// closes. Errors are logged: what is left is picked up by the next Clear of
// the namespace, by Reclaim, or by the entries' own expiry.
func (r *reclaimer) run() {
	defer r.wg.Done()
	for {
		r.mu.Lock()
		if len(r.queue) == 0 || r.b.stopCtx.Err() != nil {
			r.running = false
			r.mu.Unlock()
			return
		}
		ns := r.queue[0]
		r.queue = r.queue[1:]
		delete(r.queued, ns)
		r.mu.Unlock()
		if err := r.b.reclaimNamespace(r.b.stopCtx, ns); err != nil && r.b.stopCtx.Err() == nil {
			r.b.s.logger.Warn("cachetoolz: redis: background reclaim stopped", "namespace", ns, "error", err)
		}
	}
}

// wait blocks until the worker, if any, has returned. Close cancels stopCtx
// first, so the worker ends after its current step.
func (r *reclaimer) wait() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.wg.Wait()
}
