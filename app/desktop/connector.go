package desktop

import (
	"context"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
)

// connector is the window's control.Connector: sessions loaded with the
// window's AWS options, on the profile and region an operation asks for.
func connector(a aws.Options) control.Connector {
	return func(ctx context.Context, profile, region string) (control.Session, error) {
		return aws.Connect(ctx, a, profile, region)
	}
}
