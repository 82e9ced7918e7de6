package creds

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/userfile"
)

// Kind says where a profile's credentials come from.
type Kind string

// The kinds of profile, as they appear in Profile.Kind and in the front end.
const (
	KindSSO               Kind = "sso"
	KindSSOSession        Kind = "sso-session" // an [sso-session] block that profiles refer to
	KindAssumeRole        Kind = "assume-role"
	KindMFA               Kind = "mfa" // static keys plus mfa_serial: an MFA-backed STS session
	KindCredentialProcess Kind = "credential-process"
	KindStaticPlaintext   Kind = "static-keys-plaintext"
	KindKeychain          Kind = "keychain"
	KindEnv               Kind = "env"
	KindNone              Kind = "none" // only settings (region, output); no credentials of its own
)

// Sources that are not files.
const (
	SourceKeychain    = "keychain"
	SourceEnvironment = "environment"
	// EnvProfileName names the credentials found in AWS_ACCESS_KEY_ID.
	EnvProfileName = cloud.EnvCredentials
)

// Profile describes a profile without any secret.
type Profile struct {
	Name          string `json:"name"`
	Kind          Kind   `json:"kind"`
	Region        string `json:"region,omitempty"`
	SourceProfile string `json:"sourceProfile,omitempty"`
	RoleARN       string `json:"roleArn,omitempty"`
	MFASerial     string `json:"mfaSerial,omitempty"`
	SSOStartURL   string `json:"ssoStartUrl,omitempty"`
	// Plaintext is true while static keys of this name sit in a plain file
	// (for a keychain profile: a copy not yet removed after import).
	Plaintext   bool   `json:"plaintext,omitempty"`
	KeyIDSuffix string `json:"keyIdSuffix,omitempty"`
	Source      string `json:"source"` // file path, "keychain" or "environment"
}

// Files locates the shared AWS files. Getenv, when set, also yields the
// credentials in AWS_ACCESS_KEY_ID as a profile.
type Files struct {
	Config      string
	Credentials string
	Getenv      func(string) string
}

// FilesFrom resolves the paths the AWS CLI and SDKs use: the
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE variables, else the
// files in ~/.aws. It is the one place these paths are decided: the SDK is
// handed the same files (backend/aws). Without a home folder and without
// the variables a path is empty: there are no such files to read.
func FilesFrom(getenv func(string) string, home string) Files {
	f := Files{
		Config:      getenv("AWS_CONFIG_FILE"),
		Credentials: getenv("AWS_SHARED_CREDENTIALS_FILE"),
		Getenv:      getenv,
	}
	if f.Config == "" && home != "" {
		f.Config = filepath.Join(home, ".aws", "config")
	}
	if f.Credentials == "" && home != "" {
		f.Credentials = filepath.Join(home, ".aws", "credentials")
	}
	return f
}

// DefaultFiles is FilesFrom for this process's environment and home folder.
func DefaultFiles() Files {
	home, _ := os.UserHomeDir() // none (HOME unset): only the variables name files
	return FilesFrom(os.Getenv, home)
}

// ListProfiles reads the profiles of the config and credentials files (and
// of the environment when files.Getenv is set), sorted by name. A file that
// does not exist holds no profiles. With a malformed file it returns every
// profile it could read together with an error naming each bad file:line.
func ListProfiles(files Files) ([]Profile, error) {
	config, errC := readSections(files.Config)
	creds, errK := readSections(files.Credentials)
	byName := map[string]*Profile{}
	var sessions = map[string]map[string]string{}
	get := func(name, source string) *Profile {
		if p, ok := byName[name]; ok {
			return p
		}
		p := &Profile{Name: name, Source: source}
		byName[name] = p
		return p
	}
	keys := map[string]map[string]string{} // merged settings per profile
	merge := func(name string, kv map[string]string) {
		if keys[name] == nil {
			keys[name] = map[string]string{}
		}
		for k, v := range kv {
			keys[name][k] = v
		}
	}
	for _, s := range config {
		switch name, ok := configProfileName(s.Name); {
		case ok:
			get(name, files.Config)
			merge(name, s.Keys)
		case strings.HasPrefix(s.Name, "sso-session "):
			sessions[strings.TrimSpace(strings.TrimPrefix(s.Name, "sso-session "))] = s.Keys
		}
	}
	// The credentials file wins over the config file, as in the AWS SDKs.
	for _, s := range creds {
		p := get(s.Name, files.Credentials)
		if s.Keys["aws_access_key_id"] != "" {
			p.Source = files.Credentials
		}
		merge(s.Name, s.Keys)
	}
	var out []Profile
	for name, p := range byName {
		classify(p, keys[name], sessions)
		out = append(out, *p)
	}
	for name, kv := range sessions {
		out = append(out, Profile{Name: name, Kind: KindSSOSession, Region: kv["sso_region"],
			SSOStartURL: kv["sso_start_url"], Source: files.Config})
	}
	if env := envProfile(files.Getenv); env != nil {
		out = append(out, *env)
	}
	sortProfiles(out)
	return out, errors.Join(errC, errK)
}

// ListAll is ListProfiles plus the keychain profiles. A keychain profile
// hides a file profile of the same name, since the app uses the keychain
// one; Plaintext then tells that the file still holds a copy of its keys.
// A nil store lists the files only.
func ListAll(files Files, store *Store) ([]Profile, error) {
	fromFiles, fileErr := ListProfiles(files)
	if store == nil {
		return fromFiles, fileErr
	}
	kc, err := store.List()
	if err != nil {
		return fromFiles, errors.Join(fileErr, err)
	}
	for _, k := range kc {
		i := slices.IndexFunc(fromFiles, func(p Profile) bool { return p.Name == k.Name && p.Kind != KindSSOSession })
		if i >= 0 {
			k.Plaintext = fromFiles[i].Plaintext
			fromFiles = slices.Delete(fromFiles, i, i+1)
		}
		fromFiles = append(fromFiles, k)
	}
	sortProfiles(fromFiles)
	return fromFiles, fileErr
}

func sortProfiles(ps []Profile) {
	slices.SortFunc(ps, func(a, b Profile) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(string(a.Kind), string(b.Kind))
	})
}

// configProfileName maps a config-file header to a profile name: [default]
// or [profile NAME]. Other headers ([sso-session x], [services x], or a bare
// [x], which the AWS tools ignore in this file) are not profiles.
func configProfileName(header string) (string, bool) {
	if header == "default" {
		return header, true
	}
	name, ok := strings.CutPrefix(header, "profile ")
	name = strings.TrimSpace(name)
	return name, ok && name != ""
}

// classify follows the AWS SDKs' precedence: a role first, then static
// keys, then SSO, then credential_process.
func classify(p *Profile, kv map[string]string, sessions map[string]map[string]string) {
	p.Region = kv["region"]
	p.SourceProfile = kv["source_profile"]
	p.RoleARN = kv["role_arn"]
	p.MFASerial = kv["mfa_serial"]
	p.SSOStartURL = kv["sso_start_url"]
	if s, ok := sessions[kv["sso_session"]]; ok && p.SSOStartURL == "" {
		p.SSOStartURL = s["sso_start_url"]
	}
	if id := kv["aws_access_key_id"]; id != "" {
		p.KeyIDSuffix = KeyIDSuffix(id)
		p.Plaintext = kv["aws_secret_access_key"] != ""
	}
	switch {
	case p.RoleARN != "":
		p.Kind = KindAssumeRole
	case p.Plaintext && p.MFASerial != "":
		p.Kind = KindMFA
	case p.Plaintext:
		p.Kind = KindStaticPlaintext
	case kv["sso_session"] != "" || p.SSOStartURL != "":
		p.Kind = KindSSO
	case kv["credential_process"] != "":
		p.Kind = KindCredentialProcess
	default:
		p.Kind = KindNone
	}
}

func envProfile(getenv func(string) string) *Profile {
	if getenv == nil || getenv("AWS_ACCESS_KEY_ID") == "" {
		return nil
	}
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	return &Profile{Name: EnvProfileName, Kind: KindEnv, Region: region,
		KeyIDSuffix: KeyIDSuffix(getenv("AWS_ACCESS_KEY_ID")), Source: SourceEnvironment}
}

// MaxFileSize is the largest AWS config or credentials file read (4 MiB):
// ten thousand profiles take well under 2 MiB, and the cap keeps a stray
// file (/dev/zero behind a link) from exhausting the process.
const MaxFileSize = 4 << 20

// Check says whether the files are safe to read: each is missing, or a
// regular file of at most MaxFileSize. The AWS SDK reads them itself, with
// no such care, so backend/aws checks first: a named pipe there would hang
// the SDK's read for good (deaf to Ctrl-C), a device exhaust its memory.
// Other problems (a file that cannot be opened) are left to the reader,
// which skips such a file as the AWS CLI does.
func (f Files) Check() error {
	var errs []error
	for _, file := range []struct{ what, path string }{{"config", f.Config}, {"credentials", f.Credentials}} {
		if file.path == "" {
			continue
		}
		err := userfile.Check(file.path, MaxFileSize)
		var nr *userfile.NotRegularError
		var big *userfile.TooLargeError
		if errors.As(err, &nr) || errors.As(err, &big) {
			errs = append(errs, fmt.Errorf("cannot read the AWS %s file %s: %w", file.what, file.path, err))
		}
	}
	return errors.Join(errs...)
}

// readSections parses one file; a missing file has no sections. Only a
// regular file of at most MaxFileSize is read.
func readSections(path string) ([]*iniSection, error) {
	if path == "" {
		return nil, nil
	}
	data, err := userfile.Read(path, MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading AWS profiles from %s: %w", path, pathless(err))
	}
	sections, errs := parseINI(path, data)
	return sections, errors.Join(errs...)
}

// pathless drops the path an *fs.PathError repeats, for messages that
// name the file already.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
