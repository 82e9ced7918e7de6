package orchestrate

import (
	"fmt"
	"strings"

	"cloudcontrol/backend/env"
)

// A stage that a launch template launches into may select no instance yet
// (env.Environment.LaunchesInto): Resolve does not count that as a problem,
// the plan says so, and a run skips the stage.

// emptyStageMessage is the stage-skipped message of such a stage.
const emptyStageMessage = "no instance yet: it is filled by launching from a template"

// emptyStageWarning tells the plan's reader how the stage gets an instance.
func emptyStageWarning(e *env.Environment, stage string) string {
	var names []string
	if e.Launch != nil {
		for _, t := range e.Launch.Templates {
			if t.Stage == stage {
				names = append(names, t.Name)
			}
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("stage %q has no instance", stage)
	}
	return fmt.Sprintf("stage %q has no instance yet; cloudcontrol launch %s %s adds one (it is skipped until then)",
		stage, e.Name, strings.Join(names, " or "))
}
