package desktop

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/cloud"
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
	chain    *aws.Chain
	creds    *creds.Service
	settings *settings.File
	oidc     creds.OIDC
	mfa      *mfaQuestions
	emit     func(event string, data any)
	openURL  func(url string)
	who      func(ctx context.Context) (control.Whoami, error)
	reset    func() // drop open sessions after a switch or an edit
	note     string // shown with the list's problems
	lifetime

	mu     sync.Mutex
	lists  []func(ProfileList) // told of every new list (the tray)
	login  context.CancelFunc  // the SSO sign-in under way
	signIn string              // its verification address, to open again
}

// profilesOptions are what Profiles is made from.
type profilesOptions struct {
	Chain *aws.Chain // the window's credential chain: its keychain, its sign-ins, the choice in effect
	// Settings holds the saved choice and what each profile was last
	// found to belong to (the file the chain reads the choice from).
	Settings *settings.File
	MFA      *mfaQuestions
	// Who asks STS about the active profile (the window's control service).
	Who func(ctx context.Context) (control.Whoami, error)
	// Reset drops the open sessions (and reads AWS again) after a switch
	// or an edited profile.
	Reset   func()
	Emit    func(event string, data any)
	OpenURL func(url string)
	// Note is shown with the list's problems: in the sandbox, its own
	// credentials override the choice.
	Note string
}

func newProfiles(o profilesOptions) *Profiles {
	return &Profiles{chain: o.Chain, creds: o.Chain.Creds, settings: o.Settings, oidc: o.Chain.OIDC, mfa: o.MFA,
		emit: o.Emit, openURL: o.OpenURL, who: o.Who, reset: o.Reset, note: o.Note}
}

// start begins the service's life: sign-ins and STS questions run under
// ctx. shutdown stops a sign-in under way and a pending MFA question.
func (p *Profiles) start(ctx context.Context) { p.begin(ctx) }

func (p *Profiles) shutdown() {
	p.CancelLogin()
	p.mfa.cancel()
}

// onList adds a listener for every new list (the tray's submenu).
func (p *Profiles) onList(f func(ProfileList)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lists = append(p.lists, f)
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
	l, err := p.List()
	if err != nil {
		return
	}
	p.emit(EventProfiles, l)
	p.mu.Lock()
	lists := p.lists
	p.mu.Unlock()
	for _, f := range lists {
		f(l)
	}
}

// SubmitMFA answers the pending MFA question.
func (p *Profiles) SubmitMFA(code string) error { return p.mfa.submit(code) }

// CancelMFA refuses the pending MFA question.
func (p *Profiles) CancelMFA() { p.mfa.cancel() }

// ProfileList is what List returns: the profiles, the active choice and
// problems worth showing (a malformed file, a locked keychain).
type ProfileList struct {
	Profiles []ProfileView `json:"profiles"`
	// Active and Region are the saved choice, what Use sets.
	Active string `json:"active"`
	Region string `json:"region"`
	// InUse is the profile the window's AWS calls use (an environment's
	// pin aside): Active, unless --profile, AWS_PROFILE or keys in
	// AWS_ACCESS_KEY_ID outrank it ("(environment)" for those keys).
	InUse    string   `json:"inUse"`
	Problems []string `json:"problems,omitempty"`
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
	choice, _ := p.chain.Choose() // its error is stErr
	out := ProfileList{Active: st.Profile, Region: st.Region, InUse: choice.Profile, Profiles: []ProfileView{}}
	for _, e := range []error{err, stErr} {
		if e != nil {
			out.Problems = append(out.Problems, e.Error())
		}
	}
	switch w := choice.Outranking(); {
	case p.note != "":
		out.Problems = append(out.Problems, p.note)
	case w != "":
		out.Problems = append(out.Problems, fmt.Sprintf("%s, from where the app was started, outranks the profile chosen here: "+
			"the window uses %s", w, cloud.CredentialsOf(choice.Profile)))
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
	if err := p.settings.Use(name, region); err != nil {
		return err
	}
	p.reset()
	p.emit(EventProfileActive, map[string]string{"profile": name, "region": region})
	p.changed()
	return nil
}

// WhoAmI asks STS about the active profile and remembers the answer.
func (p *Profiles) WhoAmI() (control.Whoami, error) {
	w, err := p.who(p.context())
	if err != nil {
		return control.Whoami{}, err
	}
	_ = p.chain.Remember(w.Profile, w.Identity) // only a hint for the list; a damaged file is in its problems
	p.changed()                                 // the account and ARN, and a session's end, are now known
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
	ctx, cancel := context.WithCancel(p.context())
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
		if ctx.Err() != nil && p.context().Err() == nil {
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
