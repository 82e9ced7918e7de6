package desktop

import (
	"context"

	"cloudcontrol/backend/control"
)

// Environments is bound to the front end: it lists what the folders hold.
type Environments struct {
	svc        *control.Service
	sandboxURL string
	ctx        context.Context
}

func (e *Environments) startup(ctx context.Context) { e.ctx = ctx }

// EnvSummary is one environment (or broken file) as the window lists it.
type EnvSummary struct {
	Name        string   `json:"name"`
	File        string   `json:"file"`
	Description string   `json:"description"`
	Region      string   `json:"region"`
	Stages      []string `json:"stages"`
	Problems    []string `json:"problems"`
}

// Overview is what the window shows first.
type Overview struct {
	Sandbox      bool         `json:"sandbox"`
	SandboxURL   string       `json:"sandboxUrl"`
	Environments []EnvSummary `json:"environments"`
}

// Overview lists the environments and broken files of every folder.
func (e *Environments) Overview() Overview {
	set := e.svc.Load()
	out := Overview{Sandbox: e.sandboxURL != "", SandboxURL: e.sandboxURL, Environments: []EnvSummary{}}
	for _, en := range set.Envs {
		s := EnvSummary{Name: en.Name, File: en.File, Description: en.Description, Region: en.Region, Stages: []string{}, Problems: []string{}}
		for _, st := range en.Stages {
			s.Stages = append(s.Stages, st.Name)
		}
		out.Environments = append(out.Environments, s)
	}
	for _, p := range set.Problems {
		out.Environments = append(out.Environments, EnvSummary{Name: p.Pos.File, File: p.Pos.File, Stages: []string{}, Problems: []string{p.Error()}})
	}
	return out
}
