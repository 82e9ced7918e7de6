package creds

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"
)

// KeychainProfile is a profile whose keys live only in the keychain.
type KeychainProfile struct {
	Name            string
	AccessKeyID     string
	SecretAccessKey string
	MFASerial       string        // ask for an MFA code and use it with STS
	RoleARN         string        // assume this role with the keys
	Region          string        // default region for this profile
	SessionDuration time.Duration // of STS sessions; 0 means DefaultSessionDuration
}

// String masks the secret and shows only the key ID's last four characters.
func (p KeychainProfile) String() string {
	return fmt.Sprintf("KeychainProfile{Name: %q, AccessKeyID: %s, SecretAccessKey: %s, MFASerial: %q, "+
		"RoleARN: %q, Region: %q, SessionDuration: %s}", p.Name, KeyIDSuffix(p.AccessKeyID),
		mask(p.SecretAccessKey), p.MFASerial, p.RoleARN, p.Region, p.SessionDuration)
}

// GoString redacts %#v like String.
func (p KeychainProfile) GoString() string { return "creds." + p.String() }

// Format redacts every fmt verb (%v, %+v, %s, %q...) like String.
func (p KeychainProfile) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p.String()) }

// LogValue logs the name, the key ID's last four characters, the MFA device and
// the role: never the secret.
func (p KeychainProfile) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", p.Name), slog.String("access_key_id", KeyIDSuffix(p.AccessKeyID)),
		slog.String("mfa_serial", p.MFASerial), slog.String("role_arn", p.RoleARN))
}

// MarshalJSON gives the profile's summary, never its secret.
func (p KeychainProfile) MarshalJSON() ([]byte, error) { return json.Marshal(p.Summary()) }

// Summary is the profile as listed, without secrets.
func (p KeychainProfile) Summary() Profile {
	return Profile{Name: p.Name, Kind: KindKeychain, Region: p.Region, RoleARN: p.RoleARN,
		MFASerial: p.MFASerial, KeyIDSuffix: KeyIDSuffix(p.AccessKeyID), Source: SourceKeychain}
}

// storedProfile is the form written into the keychain item; only the
// keychain ever sees it marshalled.
type storedProfile struct {
	AccessKeyID     string        `json:"aws_access_key_id"`
	SecretAccessKey string        `json:"aws_secret_access_key"`
	MFASerial       string        `json:"mfa_serial,omitempty"`
	RoleARN         string        `json:"role_arn,omitempty"`
	Region          string        `json:"region,omitempty"`
	SessionDuration time.Duration `json:"session_duration,omitempty"`
}

const (
	profilePrefix = "profile/"
	sessionPrefix = "session/"
)

// ErrProfileExists and ErrProfileNotFound let callers tell these apart.
var (
	ErrProfileExists   = errors.New("profile already exists")
	ErrProfileNotFound = errors.New("profile not found")
)

// Store keeps keychain profiles. Only the keychain holds their secrets.
type Store struct {
	kr Keyring
}

// NewStore keeps profiles in kr.
func NewStore(kr Keyring) *Store { return &Store{kr: kr} }

// Add stores a new profile; a profile of that name must not exist yet.
func (s *Store) Add(p KeychainProfile) error {
	p = trimProfile(p)
	if err := validate(p); err != nil {
		return err
	}
	if _, err := s.Get(p.Name); err == nil {
		return fmt.Errorf("keychain profile %q: %w (update or delete it instead)", p.Name, ErrProfileExists)
	} else if !errors.Is(err, ErrProfileNotFound) {
		return err
	}
	return s.put(p)
}

// Update replaces an existing profile's settings. Empty AccessKeyID and
// SecretAccessKey keep the stored keys, so settings can be edited without
// typing the secret again. Cached sessions of the profile are dropped,
// since they were made with the old keys or role.
func (s *Store) Update(p KeychainProfile) error {
	p = trimProfile(p)
	old, err := s.Get(p.Name)
	if err != nil {
		return err
	}
	if p.AccessKeyID == "" && p.SecretAccessKey == "" {
		p.AccessKeyID, p.SecretAccessKey = old.AccessKeyID, old.SecretAccessKey
	}
	if err := validate(p); err != nil {
		return err
	}
	if err := s.put(p); err != nil {
		return err
	}
	return s.dropSession(p.Name)
}

// Get returns the profile with its keys.
func (s *Store) Get(name string) (KeychainProfile, error) {
	if err := validName(name); err != nil {
		return KeychainProfile{}, err
	}
	raw, err := s.kr.Get(profilePrefix + name)
	if errors.Is(err, ErrNotFound) {
		return KeychainProfile{}, fmt.Errorf("keychain profile %q: %w", name, ErrProfileNotFound)
	}
	if err != nil {
		return KeychainProfile{}, fmt.Errorf("reading keychain profile %q: %w", name, err)
	}
	var sp storedProfile
	if err := json.Unmarshal([]byte(raw), &sp); err != nil {
		// The JSON error could quote the secret, so it is not passed on.
		return KeychainProfile{}, fmt.Errorf("keychain profile %q is damaged; delete it and add it again", name)
	}
	kp := sp.profile()
	kp.Name = name
	return kp, nil
}

// Delete removes the profile and its cached session.
func (s *Store) Delete(name string) error {
	if err := validName(name); err != nil {
		return err
	}
	err := s.kr.Delete(profilePrefix + name)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("keychain profile %q: %w", name, ErrProfileNotFound)
	}
	if err != nil {
		return fmt.Errorf("deleting keychain profile %q: %w", name, err)
	}
	return s.dropSession(name)
}

// List returns the keychain profiles, sorted by name, without secrets.
func (s *Store) List() ([]Profile, error) {
	keys, err := s.kr.Keys()
	if err != nil {
		return nil, fmt.Errorf("listing keychain profiles: %w", err)
	}
	var out []Profile
	for _, k := range keys {
		name, ok := strings.CutPrefix(k, profilePrefix)
		if !ok {
			continue
		}
		p, err := s.Get(name)
		if errors.Is(err, ErrProfileNotFound) {
			continue // index entry left behind by an interrupted delete
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p.Summary())
	}
	slices.SortFunc(out, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *Store) put(p KeychainProfile) error {
	raw, err := json.Marshal(storedProfile{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey,
		MFASerial: p.MFASerial, RoleARN: p.RoleARN, Region: p.Region, SessionDuration: p.SessionDuration})
	if err != nil {
		return fmt.Errorf("encoding keychain profile %q: %w", p.Name, err)
	}
	if err := s.kr.Set(profilePrefix+p.Name, string(raw)); err != nil {
		return fmt.Errorf("saving keychain profile %q: %w", p.Name, err)
	}
	return nil
}

func (s *Store) dropSession(name string) error {
	err := s.kr.Delete(sessionPrefix + name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("forgetting the cached session of %q: %w", name, err)
	}
	return nil
}

func trimProfile(p KeychainProfile) KeychainProfile {
	p.Name = strings.TrimSpace(p.Name)
	p.AccessKeyID = strings.TrimSpace(p.AccessKeyID)
	p.SecretAccessKey = strings.TrimSpace(p.SecretAccessKey)
	p.MFASerial = strings.TrimSpace(p.MFASerial)
	p.RoleARN = strings.TrimSpace(p.RoleARN)
	p.Region = strings.TrimSpace(p.Region)
	return p
}

var (
	nameRE   = regexp.MustCompile(`^[A-Za-z0-9_.@+=,-]{1,64}$`)
	keyIDRE  = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
)

func validName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("profile name %q is not usable: use 1 to 64 letters, digits or _.@+=,- ", name)
	}
	return nil
}

// validate never quotes the secret key, only says what is wrong with it.
func validate(p KeychainProfile) error {
	if err := validName(p.Name); err != nil {
		return err
	}
	var problems []string
	if !keyIDRE.MatchString(p.AccessKeyID) {
		problems = append(problems, "the access key id must be 16 to 128 capital letters and digits (like AKIA...)")
	}
	if len(p.SecretAccessKey) < 16 || strings.ContainsAny(p.SecretAccessKey, " \t\r\n") {
		problems = append(problems, "the secret access key must be at least 16 characters without spaces")
	}
	if p.RoleARN != "" && !strings.HasPrefix(p.RoleARN, "arn:") {
		problems = append(problems, fmt.Sprintf("role ARN %q must start with arn:", p.RoleARN))
	}
	if strings.ContainsAny(p.MFASerial, " \t\r\n") {
		problems = append(problems, fmt.Sprintf("MFA serial %q must not contain spaces", p.MFASerial))
	}
	if p.Region != "" && !regionRE.MatchString(p.Region) {
		problems = append(problems, fmt.Sprintf("region %q does not look like an AWS region (like eu-west-1)", p.Region))
	}
	if d := p.SessionDuration; d != 0 && (d < 15*time.Minute || d > 36*time.Hour) {
		problems = append(problems, fmt.Sprintf("session duration %s must be between 15m and 36h", d))
	}
	if p.RoleARN != "" && p.SessionDuration > 12*time.Hour {
		problems = append(problems, "a role session lasts at most 12h")
	}
	if len(problems) > 0 {
		return fmt.Errorf("keychain profile %q: %s", p.Name, strings.Join(problems, "; "))
	}
	return nil
}

func (p storedProfile) profile() KeychainProfile {
	return KeychainProfile{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey, MFASerial: p.MFASerial,
		RoleARN: p.RoleARN, Region: p.Region, SessionDuration: p.SessionDuration}
}

// storedProfile must marshal its secret for the keychain, so it only
// redacts when formatted or logged.
func (p storedProfile) Format(f fmt.State, verb rune) { p.profile().Format(f, verb) }
func (p storedProfile) GoString() string              { return p.profile().GoString() }
func (p storedProfile) LogValue() slog.Value          { return p.profile().LogValue() }
