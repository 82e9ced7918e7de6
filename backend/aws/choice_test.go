package aws

import (
	"testing"

	"cloudcontrol/backend/cloud"
)

// The precedence README "Which profile is used" documents, for the command
// line and the window alike.
func TestChoosePrecedence(t *testing.T) {
	type env = map[string]string
	keys := env{"AWS_ACCESS_KEY_ID": "AKIAENV"}
	cases := []struct {
		name                 string
		flag, flagRegion     string
		env                  env
		saved, savedRegion   string
		profile, profileFrom string
		region, regionFrom   string
	}{
		{"nothing anywhere", "", "", nil, "", "", "default", FromDefault, "", FromProfilesRegion},
		{"saved only", "", "", nil, "work", "eu-west-1", "work", FromSaved, "eu-west-1", FromSaved},
		{"flag beats everything", "cli", "sa-east-1",
			env{"AWS_PROFILE": "envp", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_REGION": "us-east-2"}, "work", "eu-west-1",
			"cli", FromFlag, "sa-east-1", FromFlag},
		{"AWS_PROFILE beats keys and saved", "", "", env{"AWS_PROFILE": "envp", "AWS_ACCESS_KEY_ID": "AKIA"}, "work", "",
			"envp", FromAWSProfile, "", FromProfilesRegion},
		{"AWS_DEFAULT_PROFILE is AWS_PROFILE's alias", "", "", env{"AWS_DEFAULT_PROFILE": "old", "AWS_ACCESS_KEY_ID": "AKIA"}, "work", "",
			"old", FromAWSDefProfile, "", FromProfilesRegion},
		{"AWS_PROFILE beats AWS_DEFAULT_PROFILE", "", "", env{"AWS_PROFILE": "new", "AWS_DEFAULT_PROFILE": "old"}, "", "",
			"new", FromAWSProfile, "", FromProfilesRegion},
		{"keys beat the saved profile, not the saved region", "", "", keys, "work", "eu-west-1",
			cloud.EnvCredentials, FromEnvKeys, "eu-west-1", FromSaved},
		{"AWS_REGION beats the saved region", "", "", env{"AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1"}, "work", "eu-west-1",
			"work", FromSaved, "us-east-2", FromAWSRegion},
		{"AWS_DEFAULT_REGION is AWS_REGION's alias", "", "", env{"AWS_DEFAULT_REGION": "us-west-1"}, "", "eu-west-1",
			"default", FromDefault, "us-west-1", FromAWSDefRegion},
		{"--region beats AWS_REGION", "", "ap-south-1", env{"AWS_REGION": "us-east-2"}, "", "",
			"default", FromDefault, "ap-south-1", FromFlag},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Choose(ChoiceInput{Profile: c.flag, Region: c.flagRegion, SavedProfile: c.saved, SavedRegion: c.savedRegion,
				Getenv: func(k string) string { return c.env[k] }})
			want := Choice{Profile: c.profile, ProfileFrom: c.profileFrom, Region: c.region, RegionFrom: c.regionFrom}
			if got != want {
				t.Fatalf("got  %+v\nwant %+v", got, want)
			}
			if out := got.Outranking(); (out == "") != (c.profileFrom == FromSaved || c.profileFrom == FromDefault) {
				t.Fatalf("Outranking = %q for a profile from %s", out, c.profileFrom)
			}
			if got.EnvKeys() != (c.profileFrom == FromEnvKeys) {
				t.Fatalf("EnvKeys = %v", got.EnvKeys())
			}
		})
	}
}

func TestCredentialsAreNamedForPeople(t *testing.T) {
	for in, want := range map[string]string{"work": "profile work", "": "profile default", cloud.EnvCredentials: "environment variables"} {
		if got := cloud.CredentialsOf(in); got != want {
			t.Errorf("CredentialsOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOutrankingNamesWhatWins(t *testing.T) {
	for c, want := range map[Choice]string{
		{Profile: "dev", ProfileFrom: FromFlag}:                   "--profile dev",
		{Profile: "dev", ProfileFrom: FromAWSProfile}:             "AWS_PROFILE=dev",
		{Profile: cloud.EnvCredentials, ProfileFrom: FromEnvKeys}: "the keys in AWS_ACCESS_KEY_ID",
		{Profile: "work", ProfileFrom: FromSaved}:                 "",
	} {
		if got := c.Outranking(); got != want {
			t.Errorf("%+v: %q, want %q", c, got, want)
		}
	}
}
