package aws

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// motoTarget seeds a running moto_server (MOTO_ENDPOINT) with RunInstances.
// Instances of earlier tests stay in moto, so every fixture appends a unique
// suffix to its tag values and tests only ever select by id or by those tags.
type motoTarget struct{ endpoint string }

const (
	motoRegion = "eu-west-1"
	motoAMI    = "ami-03cf127a" // one of moto's built-in images
)

func (m *motoTarget) name() string { return "moto" }

func (m *motoTarget) open(t *testing.T, seeds []seed) *fixture {
	t.Helper()
	isolateAWS(t, motoRegion)
	nonce := make([]byte, 4)
	_, _ = rand.Read(nonce)
	fx := &fixture{
		target:   "moto",
		endpoint: strings.TrimRight(m.endpoint, "/"),
		region:   motoRegion,
		account:  "123456789012", // moto's default account
		ids:      map[string][]string{},
		suffix:   "-" + hex.EncodeToString(nonce),
		instant:  true,
	}
	client := ec2.NewFromConfig(fx.session(t, nil).Config(), func(o *ec2.Options) {
		o.BaseEndpoint = sdkaws.String(fx.endpoint)
	})
	ctx := context.Background()
	for _, s := range seeds {
		var tags []types.Tag
		for k, v := range maps.All(s.Tags) {
			tags = append(tags, types.Tag{Key: sdkaws.String(k), Value: sdkaws.String(fx.v(v))})
		}
		fx.ids[s.Key] = m.run(t, client, s, tags)
		if s.State == "stopped" {
			for _, batch := range chunks(fx.ids[s.Key], 1000) {
				if _, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: batch}); err != nil {
					t.Fatalf("moto: stopping seed %s: %v", s.Key, err)
				}
			}
		}
	}
	return fx
}

// run launches one reservation per instance, as a fleet built over time has:
// moto pages DescribeInstances by reservation, so the pagination tests need
// many of them. A few workers keep seeding a thousand instances quick.
func (m *motoTarget) run(t *testing.T, client *ec2.Client, s seed, tags []types.Tag) []string {
	t.Helper()
	in := &ec2.RunInstancesInput{
		ImageId: sdkaws.String(motoAMI), InstanceType: types.InstanceTypeT3Micro,
		MinCount: sdkaws.Int32(1), MaxCount: sdkaws.Int32(1),
	}
	if len(tags) > 0 {
		in.TagSpecifications = []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: tags}}
	}
	ids := make([]string, s.count())
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 8)
	for i := range ids {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			// Each launch its own input: the SDK writes the idempotency
			// token into it, and one shared token would let moto dedupe.
			mine := *in
			out, err := client.RunInstances(context.Background(), &mine)
			if err != nil {
				errs[i] = fmt.Errorf("moto: seeding %s: %w", s.Key, err)
				return
			}
			ids[i] = sdkaws.ToString(out.Instances[0].InstanceId)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return ids
}
