package creds

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const configFile = `# shared config
[default]
region = eu-west-1

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111

[profile sso-new]
sso_session = corp
sso_account_id = 222222222222
region = eu-central-1   # inline comment

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start#/
sso_region = eu-west-1

[profile admin]
source_profile = default
role_arn = arn:aws:iam::333333333333:role/Admin
mfa_serial = arn:aws:iam::444444444444:mfa/me
s3 =
  max_concurrent_requests = 20

[profile tool]
credential_process = /usr/bin/get-creds --profile tool

[profile mfa-user]
mfa_serial = arn:aws:iam::444444444444:mfa/me

[profile settings-only]
output = json

[not-a-profile]
region = us-west-2

[services local]
ec2 =
  endpoint_url = http://127.0.0.1:4566
`

const credentialsFile = `[default]
aws_access_key_id = AKIADEFAULTKEY0001
aws_secret_access_key = ` + testSecret + `

[mfa-user]
aws_access_key_id=AKIAMFAUSERKEY0002
aws_secret_access_key=` + testSecret + `
`

func TestListProfilesKinds(t *testing.T) {
	files := Files{Config: writeFile(t, "config", configFile), Credentials: writeFile(t, "credentials", credentialsFile)}
	got, err := ListProfiles(files)
	if err != nil {
		t.Fatal(err)
	}
	want := []Profile{
		{Name: "admin", Kind: KindAssumeRole, SourceProfile: "default", RoleARN: "arn:aws:iam::333333333333:role/Admin",
			MFASerial: "arn:aws:iam::444444444444:mfa/me", Source: files.Config},
		{Name: "corp", Kind: KindSSOSession, Region: "eu-west-1", SSOStartURL: "https://corp.awsapps.com/start#/", Source: files.Config},
		{Name: "default", Kind: KindStaticPlaintext, Region: "eu-west-1", Plaintext: true, KeyIDSuffix: "0001", Source: files.Credentials},
		{Name: "mfa-user", Kind: KindMFA, MFASerial: "arn:aws:iam::444444444444:mfa/me", Plaintext: true, KeyIDSuffix: "0002",
			Source: files.Credentials},
		{Name: "settings-only", Kind: KindNone, Source: files.Config},
		{Name: "sso-legacy", Kind: KindSSO, SSOStartURL: "https://legacy.awsapps.com/start", Source: files.Config},
		{Name: "sso-new", Kind: KindSSO, Region: "eu-central-1", SSOStartURL: "https://corp.awsapps.com/start#/", Source: files.Config},
		{Name: "tool", Kind: KindCredentialProcess, Source: files.Config},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d profiles, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("profile %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
}

func TestListProfilesFromEnvironment(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAFROMENVIRON9876", "AWS_SECRET_ACCESS_KEY": testSecret,
		"AWS_DEFAULT_REGION": "ap-south-1"}
	got, err := ListProfiles(Files{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{Name: EnvProfileName, Kind: KindEnv, Region: "ap-south-1", KeyIDSuffix: "9876", Source: SourceEnvironment}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %+v, want [%+v]", got, want)
	}
}

func TestFilesFrom(t *testing.T) {
	env := map[string]string{"AWS_CONFIG_FILE": "/etc/aws/config"}
	f := FilesFrom(func(k string) string { return env[k] }, "/home/t")
	if f.Config != "/etc/aws/config" || f.Credentials != filepath.Join("/home/t", ".aws", "credentials") {
		t.Fatalf("FilesFrom = %+v", f)
	}
	if f := FilesFrom(func(k string) string { return env[k] }, ""); f.Config != "/etc/aws/config" || f.Credentials != "" {
		t.Fatalf("without a home folder: %+v; want only the files the variables name", f)
	}
}

func TestListProfilesMissingFilesAreEmpty(t *testing.T) {
	dir := t.TempDir()
	got, err := ListProfiles(Files{Config: filepath.Join(dir, "nope"), Credentials: filepath.Join(dir, "nada")})
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestListProfilesMalformedKeepsWhatItCanRead(t *testing.T) {
	config := `[profile before]
region = eu-west-1

[profile broken
region = us-east-1
role_arn = arn:aws:iam::1:role/Lost

[profile after]
this line has no equals sign
region = eu-north-1
`
	credentials := "aws_access_key_id = AKIAORPHANKEY00001\n[kept]\naws_access_key_id = AKIAKEPTKEY0000003\naws_secret_access_key = " +
		testSecret + "\n" + testSecret + "\n"
	files := Files{Config: writeFile(t, "config", config), Credentials: writeFile(t, "credentials", credentials)}
	got, err := ListProfiles(files)
	if err == nil {
		t.Fatal("no error for a malformed file")
	}
	for _, want := range []string{files.Config + ":4:", "broken section header", files.Config + ":9:",
		"expected key = value in [profile after]", files.Credentials + ":1:", files.Credentials + ":5:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("error quotes a stray secret line: %v", err)
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("error %v is not a *ParseError", err)
	}
	names := map[string]Profile{}
	for _, p := range got {
		names[p.Name] = p
	}
	if names["before"].Region != "eu-west-1" || names["after"].Region != "eu-north-1" || names["kept"].Kind != KindStaticPlaintext {
		t.Fatalf("readable profiles lost: %+v", got)
	}
	if _, ok := names["broken"]; ok || len(got) != 3 {
		t.Fatalf("want exactly before, after, kept; got %+v", got)
	}
}

func TestListAllMergesKeychain(t *testing.T) {
	files := Files{Config: writeFile(t, "config", configFile), Credentials: writeFile(t, "credentials", credentialsFile)}
	store := NewStore(newMemKeyring())
	for _, name := range []string{"mfa-user", "vault-only"} {
		if err := store.Add(sample(name)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ListAll(files, store)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]Profile{}
	for _, p := range got {
		byName[p.Name] = append(byName[p.Name], p)
	}
	if ps := byName["mfa-user"]; len(ps) != 1 || ps[0].Kind != KindKeychain || !ps[0].Plaintext {
		t.Fatalf("mfa-user = %+v; want one keychain profile flagged as still in plaintext", ps)
	}
	if ps := byName["vault-only"]; len(ps) != 1 || ps[0].Kind != KindKeychain || ps[0].Plaintext {
		t.Fatalf("vault-only = %+v", ps)
	}
	if len(got) != 9 {
		t.Fatalf("got %d profiles, want 9: %+v", len(got), got)
	}
}

func TestListAllKeychainLockedStillListsFiles(t *testing.T) {
	if got, err := ListAll(Files{Config: writeFile(t, "c", configFile)}, nil); err != nil || len(got) != 8 {
		t.Fatalf("nil store: %d profiles, %v", len(got), err)
	}
	files := Files{Config: writeFile(t, "config", configFile)}
	kr := newMemKeyring()
	kr.lock()
	got, err := ListAll(files, NewStore(kr))
	if !errors.Is(err, ErrKeychainUnavailable) || len(got) == 0 {
		t.Fatalf("got %d profiles, %v", len(got), err)
	}
}

func TestListProfilesUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	p := writeFile(t, "config", "[default]\n")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := ListProfiles(Files{Config: p}); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v; want one naming %s", err, p)
	}
}
