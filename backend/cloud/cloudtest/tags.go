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
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Tag", region, ids)
	if f.TagErr != nil {
		return f.TagErr
	}
	found, err := f.lookup(ids)
	if err != nil {
		return err
	}
	// A new map each time: what Describe handed out before stays as it was.
	for _, fi := range found {
		next := maps.Clone(fi.Instance.Tags)
		if next == nil {
			next = map[string]string{}
		}
		maps.Copy(next, tags)
		fi.Instance.Tags = next
	}
	return nil
}

// Untag removes tag keys from every instance; a key it lacks is no error.
func (f *Fleet) Untag(ctx context.Context, region string, ids []string, keys []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Untag", region, ids)
	if f.TagErr != nil {
		return f.TagErr
	}
	found, err := f.lookup(ids)
	if err != nil {
		return err
	}
	for _, fi := range found {
		next := maps.Clone(fi.Instance.Tags)
		for _, k := range keys {
			delete(next, k)
		}
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
