package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// A launched instance whose tags a launched-services rule names serves
// its services as a world instance does; others serve nothing.
func TestLaunchedInstancesServeWhatTheirTagsSay(t *testing.T) {
	world := strings.Replace(launchWorld, "    instances:\n", "    launched-services:\n      - {tags: {Role: api}, services: [{port: 8080, http: /health, after: 5s}]}\n    instances:\n", 1)
	e := newEnv(t, world)
	c := e.ec2("eu-west-1")
	run := func(role string) string {
		t.Helper()
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0aaaaaaaaaaaaaaa1"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("Role"), Value: aws.String(role)}}}}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Instances[0].InstanceId)
	}
	api, web := run("api"), run("web")
	e.clock.Advance(20 * time.Second)
	services := map[string][]ServiceView{}
	for _, v := range e.sb.View("eu-west-1") {
		services[v.ID] = v.Services
	}
	if s := services[api]; len(s) != 1 || s[0].Port != 8080 || s[0].HTTP != "/health" {
		t.Errorf("the api instance serves %+v", s)
	}
	if s := services[web]; len(s) != 0 {
		t.Errorf("the web instance serves %+v", s)
	}
}

func TestLaunchedServicesNeedTagsAndServices(t *testing.T) {
	world := strings.Replace(launchWorld, "    instances:\n", "    launched-services: [{tags: {Role: api}}]\n    instances:\n", 1)
	if _, err := ParseWorld([]byte(world), "w.yaml"); err == nil || !strings.Contains(err.Error(), "launched services need tags") {
		t.Errorf("ParseWorld: %v", err)
	}
}
