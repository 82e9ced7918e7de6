package aws

import "cloudcontrol/backend/cloud"

// Where a choice came from, for messages and tests.
const (
	FromFlag           = "flag" // --profile / --region, or an environment file's pin
	FromAWSProfile     = "AWS_PROFILE"
	FromAWSDefProfile  = "AWS_DEFAULT_PROFILE"
	FromEnvKeys        = "AWS_ACCESS_KEY_ID"
	FromAWSRegion      = "AWS_REGION"
	FromAWSDefRegion   = "AWS_DEFAULT_REGION"
	FromSaved          = "saved" // `profile use`, the window's or the tray's switcher
	FromDefault        = "default"
	FromProfilesRegion = "" // the region of the profile itself (its file section or keychain entry)
)

// Choice is the profile and region a front end's AWS calls use and where
// each came from. Choose decides it, the same way for the command line and
// the window; Load connects with it.
type Choice struct {
	// Profile is the profile's name; cloud.EnvCredentials when keys in
	// AWS_ACCESS_KEY_ID are used (no profile applies to them).
	Profile     string
	ProfileFrom string
	// Region is "" when the profile's own region applies.
	Region     string
	RegionFrom string
}

// EnvKeys reports whether the keys in the environment variables are used.
func (c Choice) EnvKeys() bool { return c.ProfileFrom == FromEnvKeys }

// ChoiceInput is what Choose decides from.
type ChoiceInput struct {
	Profile, Region           string // explicit: --profile / --region, or an environment file's pin
	SavedProfile, SavedRegion string // the saved choice (backend/settings)
	Getenv                    func(string) string
}

// Choose applies the documented precedence (README "Which profile is
// used"). Profile: --profile, AWS_PROFILE (then the SDK's alias
// AWS_DEFAULT_PROFILE), keys in AWS_ACCESS_KEY_ID, the saved choice,
// "default". Region: --region, AWS_REGION (then AWS_DEFAULT_REGION), the
// saved one, the profile's own.
func Choose(in ChoiceInput) Choice {
	get := in.Getenv
	var c Choice
	switch {
	case in.Profile != "":
		c.Profile, c.ProfileFrom = in.Profile, FromFlag
	case get("AWS_PROFILE") != "":
		c.Profile, c.ProfileFrom = get("AWS_PROFILE"), FromAWSProfile
	case get("AWS_DEFAULT_PROFILE") != "":
		c.Profile, c.ProfileFrom = get("AWS_DEFAULT_PROFILE"), FromAWSDefProfile
	case get("AWS_ACCESS_KEY_ID") != "":
		c.Profile, c.ProfileFrom = cloud.EnvCredentials, FromEnvKeys
	case in.SavedProfile != "":
		c.Profile, c.ProfileFrom = in.SavedProfile, FromSaved
	default:
		c.Profile, c.ProfileFrom = "default", FromDefault
	}
	switch {
	case in.Region != "":
		c.Region, c.RegionFrom = in.Region, FromFlag
	case get("AWS_REGION") != "":
		c.Region, c.RegionFrom = get("AWS_REGION"), FromAWSRegion
	case get("AWS_DEFAULT_REGION") != "":
		c.Region, c.RegionFrom = get("AWS_DEFAULT_REGION"), FromAWSDefRegion
	case in.SavedRegion != "":
		c.Region, c.RegionFrom = in.SavedRegion, FromSaved
	default:
		c.RegionFrom = FromProfilesRegion
	}
	return c
}

// Outranking says what wins over the saved profile now, for a note next to
// a switch that will not take effect here: "--profile dev", "AWS_PROFILE=dev",
// "the keys in AWS_ACCESS_KEY_ID"; "" when the saved choice (or the default)
// applies.
func (c Choice) Outranking() string {
	switch c.ProfileFrom {
	case FromFlag:
		return "--profile " + c.Profile
	case FromAWSProfile, FromAWSDefProfile:
		return c.ProfileFrom + "=" + c.Profile
	case FromEnvKeys:
		return "the keys in AWS_ACCESS_KEY_ID"
	}
	return ""
}
