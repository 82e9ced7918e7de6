package desktop

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/creds"
	"cloudcontrol/backend/settings"
)

// Profiles is the window's bound service for AWS profiles and credentials.
// Secrets go in (a new secret key) but never come back out: every answer
// is a creds.Profile-style summary with at most the key id's last four
// characters. MFA codes are asked through the "profiles:mfa" event and
// answered with SubmitMFA; SSO sign-ins report through "profiles:sso".
type Profiles struct {
	creds    *creds.Service
	settings *settings.File
	oidc     creds.OIDC
	emit     func(event string, data any)
	openURL  func(url string)
	who      func(ctx context.Context) (control.Whoami, error)
	reset    func() // drop open sessions after a switch or an edit
	ctx      func() context.Context

	// note is shown with the list's problems (the sandbox's placeholder
	// credentials override the choice).
	note string

	mu     sync.Mutex
	mfa    chan string        // the pending MFA question's answer
	login  context.CancelFunc // the SSO sign-in under way
	signIn string             // its verification address, to open again
}

// Events pushed by Profiles (see API.md).
const (
	EventProfiles      = "profiles:changed" // ProfileList, after any change
	EventMFA           = "profiles:mfa"     // MFAQuestion: answer with SubmitMFA or CancelMFA
	EventSSO           = "profiles:sso"     // SSOProgress of a sign-in
	EventProfileActive = "profiles:active"  // {profile, region}: the active choice changed
)

// changed pushes the new list (never a secret) to the window and the tray.
func (p *Profiles) changed() {
	if l, err := p.List(); err == nil {
		p.emit(EventProfiles, l)
	}
}

// MFAQuestion is the payload of the "profiles:mfa" event.
type MFAQuestion struct {
	Profile   string `json:"profile"`
	MFASerial string `json:"mfaSerial"`
}

// mfaPrompt is the creds.Prompt of the window: it asks the front end and
// waits for SubmitMFA (or CancelMFA, or the context).
func (p *Profiles) mfaPrompt(ctx context.Context, profile, serial string) (string, error) {
	ch := make(chan string, 1)
	p.mu.Lock()
	p.mfa = ch
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		if p.mfa == ch {
			p.mfa = nil
		}
		p.mu.Unlock()
	}()
	p.emit(EventMFA, MFAQuestion{Profile: profile, MFASerial: serial})
	select {
	case code, ok := <-ch:
		if !ok || code == "" {
			return "", errors.New("the MFA question was cancelled")
		}
		return code, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// SubmitMFA answers the pending MFA question.
func (p *Profiles) SubmitMFA(code string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mfa == nil {
		return errors.New("no MFA code was asked for")
	}
	p.mfa <- code
	p.mfa = nil
	return nil
}

// CancelMFA refuses the pending MFA question.
func (p *Profiles) CancelMFA() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mfa != nil {
		close(p.mfa)
		p.mfa = nil
	}
}

// ProfileList is what List returns: the profiles, the active choice and
// problems worth showing (a malformed file, a locked keychain).
type ProfileList struct {
	Profiles []ProfileView `json:"profiles"`
	Active   string        `json:"active"`
	Region   string        `json:"region"`
	Problems []string      `json:"problems,omitempty"`
}

// ProfileView is one profile for the window.
type ProfileView struct {
	creds.ProfileInfo
	Account   string     `json:"account,omitempty"`
	ARN       string     `json:"arn,omitempty"`
	CheckedAt *time.Time `json:"checkedAt,omitempty"`
}

// List returns every profile with what is known of it.
func (p *Profiles) List() (ProfileList, error) {
	infos, err := p.creds.List()
	st, stErr := p.settings.Load()
	out := ProfileList{Active: st.Profile, Region: st.Region, Profiles: []ProfileView{}}
	for _, e := range []error{err, stErr} {
		if e != nil {
			out.Problems = append(out.Problems, e.Error())
		}
	}
	if p.note != "" {
		out.Problems = append(out.Problems, p.note)
	}
	for _, i := range infos {
		v := ProfileView{ProfileInfo: i}
		if id, ok := st.Identities[i.Name]; ok {
			v.Account, v.ARN, v.CheckedAt = id.Account, id.ARN, &id.CheckedAt
		}
		out.Profiles = append(out.Profiles, v)
	}
	return out, nil
}

// KeychainInput is a keychain profile as the window sends it. An empty
// SecretAccessKey on Edit keeps the stored keys.
type KeychainInput struct {
	Name            string `json:"name"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	MFASerial       string `json:"mfaSerial"`
	RoleARN         string `json:"roleArn"`
	Region          string `json:"region"`
	SessionMinutes  int    `json:"sessionMinutes"`
}

func (in KeychainInput) profile() creds.KeychainProfile {
	return creds.KeychainProfile{Name: in.Name, AccessKeyID: in.AccessKeyID, SecretAccessKey: in.SecretAccessKey,
		MFASerial: in.MFASerial, RoleARN: in.RoleARN, Region: in.Region,
		SessionDuration: time.Duration(in.SessionMinutes) * time.Minute}
}

// Add stores a new keychain profile and returns its summary.
func (p *Profiles) Add(in KeychainInput) (creds.Profile, error) {
	kp := in.profile()
	if err := p.creds.Store.Add(kp); err != nil {
		return creds.Profile{}, err
	}
	defer p.changed()
	return p.summary(in.Name)
}

// Edit changes a keychain profile; keys are replaced only when both are given.
func (p *Profiles) Edit(in KeychainInput) (creds.Profile, error) {
	kp := in.profile()
	if kp.SecretAccessKey == "" {
		kp.AccessKeyID = ""
	}
	if err := p.creds.Store.Update(kp); err != nil {
		return creds.Profile{}, err
	}
	p.reset()
	defer p.changed()
	return p.summary(in.Name)
}

func (p *Profiles) summary(name string) (creds.Profile, error) {
	kp, err := p.creds.Store.Get(name)
	if err != nil {
		return creds.Profile{}, err
	}
	return kp.Summary(), nil
}

// Delete removes a keychain profile (the window confirms first).
func (p *Profiles) Delete(name string) error {
	if err := p.creds.Store.Delete(name); err != nil {
		return err
	}
	p.reset()
	p.changed()
	return nil
}

// Import copies a profile from the credentials file into the keychain;
// the file is left alone until RemoveFromFile, which the window calls only
// after the person confirmed.
func (p *Profiles) Import(name string) (creds.Profile, error) {
	out, err := creds.Import(p.creds.Files, name, p.creds.Store)
	if err == nil {
		p.reset() // the keychain copy now wins over the file's
		p.changed()
	}
	return out, err
}

// RemoveFromFile removes an imported profile's section from the
// credentials file; it refuses unless the keychain holds the profile.
func (p *Profiles) RemoveFromFile(name string) error {
	if _, err := p.creds.Store.Get(name); err != nil {
		return fmt.Errorf("not removing %s from %s: %w", name, p.creds.Files.Credentials, err)
	}
	if err := creds.RemoveFromCredentialsFile(p.creds.Files.Credentials, name); err != nil {
		return err
	}
	p.changed()
	return nil
}

// Use makes name (and region, "" for the profile's) the active choice of
// every front end.
func (p *Profiles) Use(name, region string) error {
	if err := p.settings.Update(func(s *settings.Settings) { s.Profile, s.Region = name, region }); err != nil {
		return err
	}
	p.reset()
	p.emit(EventProfileActive, map[string]string{"profile": name, "region": region})
	p.changed()
	return nil
}

// WhoAmI asks STS about the active profile and remembers the answer.
func (p *Profiles) WhoAmI() (control.Whoami, error) {
	w, err := p.who(p.ctx())
	if err != nil {
		return control.Whoami{}, err
	}
	name := w.Profile
	if name == "" {
		name = "default"
	}
	_ = p.settings.Remember(name, settings.Identity{Account: w.Identity.Account, ARN: w.Identity.ARN, CheckedAt: time.Now().UTC()})
	p.changed() // the account and ARN, and a session's end, are now known
	return w, nil
}

// SSOProgress is the payload of the "profiles:sso" event.
type SSOProgress struct {
	Profile string        `json:"profile"`
	State   SSOState      `json:"state"`
	Device  *creds.Device `json:"device,omitempty"`
	Expires *time.Time    `json:"expires,omitempty"`
	Error   string        `json:"error,omitempty"`
}

// Login signs in to IAM Identity Center for an SSO profile: it shows the
// code through "profiles:sso", opens the browser and waits.
func (p *Profiles) Login(name string) error {
	cfg, err := creds.SSOConfigOf(p.creds.Files, name)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(p.ctx())
	p.mu.Lock()
	if p.login != nil {
		p.mu.Unlock()
		cancel()
		return errors.New("a sign-in is already under way: finish or cancel it first")
	}
	p.login = cancel
	p.mu.Unlock()
	defer func() {
		cancel()
		p.mu.Lock()
		p.login, p.signIn = nil, ""
		p.mu.Unlock()
	}()
	login := &creds.SSOLogin{OIDC: p.oidc, Store: p.creds.Store}
	tok, err := login.Login(ctx, cfg, func(d creds.Device) {
		p.mu.Lock()
		p.signIn = d.VerificationURIComplete
		p.mu.Unlock()
		p.emit(EventSSO, SSOProgress{Profile: name, State: "code", Device: &d})
		p.openURL(d.VerificationURIComplete)
	})
	if err != nil {
		if ctx.Err() != nil && p.ctx().Err() == nil {
			err = fmt.Errorf("the sign-in to %s was cancelled", name)
		}
		p.emit(EventSSO, SSOProgress{Profile: name, State: "failed", Error: err.Error()})
		return err
	}
	p.reset()
	p.emit(EventSSO, SSOProgress{Profile: name, State: "done", Expires: &tok.Expires})
	p.changed()
	return nil
}

// OpenSignInPage opens the sign-in under way's verification page again
// (the browser was closed, or opened on the wrong profile).
func (p *Profiles) OpenSignInPage() error {
	p.mu.Lock()
	url := p.signIn
	p.mu.Unlock()
	if url == "" {
		return errors.New("no sign-in is waiting for approval")
	}
	p.openURL(url)
	return nil
}

// CancelLogin stops waiting for the sign-in under way.
func (p *Profiles) CancelLogin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.login != nil {
		p.login()
	}
}

// whoer is what Profiles needs of the window's control service.
type whoer interface {
	WhoAmI(ctx context.Context) (control.Whoami, error)
	ResetSessions()
}

// NewProfiles builds the service over the keychain service name and the
// app's config folder. stsRegion/endpoint reach STS and IAM Identity
// Center ("" for AWS). Its keychain() goes into aws.Options.Keychain of the
// window's control services, so MFA codes are asked in the window.
func NewProfiles(service, configDir, endpoint string, c whoer, emit func(string, any), openURL func(string), ctx func() context.Context) (*Profiles, error) {
	files, err := creds.DefaultFiles()
	if err != nil {
		return nil, err
	}
	store := creds.NewStore(creds.NewSystemKeyring(service))
	p := &Profiles{settings: settings.Open(configDir), emit: emit, openURL: openURL, ctx: ctx,
		who: c.WhoAmI, reset: c.ResetSessions}
	var stsOpts []func(*sts.Options)
	var oidcOpts []func(*ssooidc.Options)
	if endpoint != "" {
		stsOpts = append(stsOpts, func(o *sts.Options) { o.BaseEndpoint = &endpoint })
		oidcOpts = append(oidcOpts, func(o *ssooidc.Options) { o.BaseEndpoint = &endpoint })
	}
	p.creds = &creds.Service{Files: files, Store: store,
		Sessions: creds.NewSessions(store, creds.NewAWSSTS("", stsOpts...), p.mfaPrompt)}
	p.oidc = creds.NewAWSOIDC(oidcOpts...)
	return p, nil
}

// keychain is the credentials source for aws.Options.Keychain.
func (p *Profiles) keychain() *creds.Service { return p.creds }
