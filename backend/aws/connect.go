package aws

import (
	"context"

	"cloudcontrol/backend/cost"
)

// Connect is Load for a profile and region chosen per operation (the core's
// connector, backend/control): each given one replaces o's, "" keeps o's.
func Connect(ctx context.Context, o Options, profile, region string) (*Session, error) {
	if profile != "" {
		o.Profile = profile
	}
	if region != "" {
		o.Region = region
	}
	return Load(ctx, o)
}

// Prices is the session's Price List client as the cost estimates ask it.
func (s *Session) Prices() cost.PriceLister { return s.PriceList() }
