package cloudtest

import (
	"context"
	"maps"
	"time"
)

// The Fleet is also EC2's tagging (cloud.Tagger): CreateTags and DeleteTags
// on its instances, which Describe then returns as EC2 does.

// Tag sets tags on every instance (all must exist, as EC2 insists).
func (f *Fleet) Tag(ctx context.Context, region string, ids []string, tags map[string]string) error {
	return f.retag("Tag", region, ids, func(t map[string]string) { maps.Copy(t, tags) })
}

// Untag removes tag keys from every instance; a key it lacks is no error.
func (f *Fleet) Untag(ctx context.Context, region string, ids []string, keys []string) error {
	return f.retag("Untag", region, ids, func(t map[string]string) {
		for _, k := range keys {
			delete(t, k)
		}
	})
}

// retag records the call and changes each instance's tags: on a new map
// each time, so what Describe handed out before stays as it was.
func (f *Fleet) retag(method, region string, ids []string, change func(map[string]string)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record(method, region, ids)
	if f.TagErr != nil {
		return f.TagErr
	}
	found, err := f.lookup(ids)
	if err != nil {
		return err
	}
	for _, fi := range found {
		next := maps.Clone(fi.Instance.Tags)
		if next == nil {
			next = map[string]string{}
		}
		change(next)
		fi.Instance.Tags = next
	}
	return nil
}

// RunningSince is when the instance last became running (zero when it
// never ran while the fleet knew it).
func (f *Fleet) RunningSince(id string) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	fi, ok := f.insts[id]
	if !ok {
		return time.Time{}
	}
	f.settle(fi)
	return fi.runningSince
}

// Tags returns a copy of the instance's tags now.
func (f *Fleet) Tags(id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	fi, ok := f.insts[id]
	if !ok {
		return nil
	}
	return maps.Clone(fi.Instance.Tags)
}
