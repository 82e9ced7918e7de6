package control

import (
	"context"

	"cloudcontrol/backend/env"
)

// SessionFor is the session an operation on e would act with, its pins
// checked, for a front end that needs what a session offers beyond the
// fleet (the window's Session Manager connect reaches cloud.Commands with
// a type assertion, as cost.go does for prices).
func (s *Service) SessionFor(ctx context.Context, e *env.Environment) (Session, Target, error) {
	return s.connect(ctx, e)
}
