package sandbox

import (
	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/yamlpos"
)

// LaunchedServices are the services a launched instance (CloudFormation's
// or RunInstances') serves when its tags carry all of Tags, as a world
// instance serves its own: the example world's launched API nodes answer
// their health check, so a start's gates pass on them too.
type LaunchedServices struct {
	Tags     map[string]string
	Services []Service
}

// launchedServices reads a region's launched-services list.
func (p *parser) launchedServices(n *yaml.Node) []LaunchedServices {
	var out []LaunchedServices
	for _, item := range p.list(n, "launched-services", "[{tags: {Role: api}, services: [{port: 8080, http: /health, after: 5s}]}]") {
		var ls LaunchedServices
		p.mapping(item, "launched services", map[string]func(*yaml.Node){
			"tags":     func(v *yaml.Node) { ls.Tags = p.tags(v) },
			"services": func(v *yaml.Node) { ls.Services = p.services(v) },
		})
		if yamlpos.Deref(item).Kind == yaml.MappingNode && (len(ls.Tags) == 0 || len(ls.Services) == 0) {
			p.errf(item, "launched services need tags (which launched instances serve them) and services")
		}
		out = append(out, ls)
	}
	return out
}

// servicesFor are the services of the rules whose tags an instance carries.
func (r Region) servicesFor(tags map[string]string) []Service {
	var out []Service
	for _, ls := range r.Launched {
		match := true
		for k, v := range ls.Tags {
			match = match && tags[k] == v
		}
		if match {
			out = append(out, ls.Services...)
		}
	}
	return out
}
