package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/creds"
)

func newProfileCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "List, add, import, switch and sign in to AWS profiles (keys kept in the OS keychain)",
		Args:  cobra.NoArgs,
		RunE:  groupHelp,
	}
	cmd.AddCommand(newProfileListCmd(g), newProfileAddCmd(g, false), newProfileAddCmd(g, true), newProfileImportCmd(g),
		newProfileRemoveCmd(g), newProfileUseCmd(g), newProfileLoginCmd(g), newProfileWhoamiCmd(g))
	return cmd
}

// profileEntry is one line of "profile list"; it never holds a secret.
type profileEntry struct {
	creds.ProfileInfo
	Active    bool       `json:"active,omitempty"`
	Account   string     `json:"account,omitempty"`
	ARN       string     `json:"arn,omitempty"`
	CheckedAt *time.Time `json:"checkedAt,omitempty"`
}

func newProfileListCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every profile: ~/.aws files, the keychain and the environment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc := g.chain().Creds
			infos, listErr := svc.List()
			choice, _ := g.chain().Choose() // a damaged settings file is warned of by the chain
			active := choice.Profile
			st, _ := settingsFile().Load()
			entries := make([]profileEntry, 0, len(infos))
			for _, p := range infos {
				e := profileEntry{ProfileInfo: p, Active: p.Name == active && p.Kind != creds.KindSSOSession}
				if id, ok := st.Identities[p.Name]; ok {
					e.Account, e.ARN, e.CheckedAt = id.Account, id.ARN, &id.CheckedAt
				}
				entries = append(entries, e)
			}
			if listErr != nil {
				fmt.Fprintln(g.stderr, "warning:", listErr)
			}
			if asJSON {
				return writeJSON(g.stdout, entries)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "\tNAME\tKIND\tREGION\tACCOUNT\tSESSION ENDS\tNOTES")
			for _, e := range entries {
				mark, ends := "", ""
				if e.Active {
					mark = "*"
				}
				if e.SessionExpires != nil {
					ends = e.SessionExpires.Local().Format("2006-01-02 15:04")
				}
				var notes []string
				if e.KeyIDSuffix != "" {
					notes = append(notes, "key ..."+e.KeyIDSuffix)
				}
				if e.Plaintext {
					notes = append(notes, "PLAINTEXT KEYS in "+plainFile(e.ProfileInfo, svc.Files))
				}
				if e.RoleARN != "" {
					notes = append(notes, "role "+e.RoleARN)
				}
				if e.MFASerial != "" {
					notes = append(notes, "MFA")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, e.Name, e.Kind, e.Region, e.Account, ends, strings.Join(notes, ", "))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func plainFile(p creds.ProfileInfo, f creds.Files) string {
	if p.Source == creds.SourceKeychain {
		return f.Credentials + " (import done; remove it with profile import --remove-from-file)"
	}
	return p.Source
}

type profileFlags struct {
	keyID, mfa, role, region string
	duration                 time.Duration
}

func newProfileAddCmd(g *globals, edit bool) *cobra.Command {
	var f profileFlags
	use, short := "add NAME", "Add a keychain profile; the secret key is read from the terminal or standard input"
	if edit {
		use, short = "edit NAME", "Change a keychain profile; with --key-id, the new secret key is read as for add"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := g.console()
			svc := g.chain().Creds
			var err error
			p := creds.KeychainProfile{Name: args[0]}
			if edit {
				if p, err = svc.Store.Get(args[0]); err != nil {
					return fail(ExitFailed, err)
				}
				// Empty keys make Update keep the stored ones.
				p.AccessKeyID, p.SecretAccessKey = "", ""
			} else if f.keyID == "" {
				return fail(ExitUsage, errors.New("--key-id is required (the secret key is then read from the terminal or standard input)"))
			}
			set := func(name string, dst *string, v string) {
				if cmd.Flags().Changed(name) {
					*dst = v
				}
			}
			set("mfa-serial", &p.MFASerial, f.mfa)
			set("role-arn", &p.RoleARN, f.role)
			set("region", &p.Region, f.region)
			if cmd.Flags().Changed("session-duration") {
				p.SessionDuration = f.duration
			}
			if f.keyID != "" {
				p.AccessKeyID = f.keyID
				if p.SecretAccessKey, err = c.secret("Secret access key for " + f.keyID + ": "); err != nil {
					return fail(ExitFailed, err)
				}
				if p.SecretAccessKey == "" {
					return fail(ExitFailed, errors.New("no secret access key given"))
				}
			}
			if edit {
				err = svc.Store.Update(p)
			} else {
				err = svc.Store.Add(p)
			}
			if err != nil {
				return fail(ExitFailed, err)
			}
			verb := "Added"
			if edit {
				verb = "Updated"
			}
			fmt.Fprintf(g.stdout, "%s keychain profile %s.\n", verb, args[0])
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.keyID, "key-id", "", "access key id (AKIA...)")
	fl.StringVar(&f.mfa, "mfa-serial", "", "MFA device ARN: ask for a code and use STS sessions")
	fl.StringVar(&f.role, "role-arn", "", "role to assume with the keys")
	fl.StringVar(&f.region, "region", "", "the profile's default region")
	fl.DurationVar(&f.duration, "session-duration", 0, "length of STS sessions (15m to 36h, 12h at most for a role; default 1h)")
	return cmd
}

func newProfileImportCmd(g *globals) *cobra.Command {
	var remove, yes bool
	cmd := &cobra.Command{
		Use:   "import NAME",
		Short: "Copy a profile's keys from ~/.aws/credentials into the keychain",
		Long: "Copy a profile's keys from the credentials file into the keychain. With --remove-from-file, and once\n" +
			"confirmed (or with --yes), its section is then removed from the file; every other line stays as it was.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := g.console()
			svc := g.chain().Creds
			name := args[0]
			p, err := creds.Import(svc.Files, name, svc.Store)
			if err != nil && !(remove && errors.Is(err, creds.ErrProfileExists)) {
				return fail(ExitFailed, err)
			}
			if err == nil {
				fmt.Fprintf(g.stdout, "Imported %s (key ...%s) into the keychain.\n", name, p.KeyIDSuffix)
			}
			if !remove {
				fmt.Fprintf(g.stdout, "Its keys are still in %s; remove them with: cloudcontrol profile import %s --remove-from-file\n",
					svc.Files.Credentials, name)
				return nil
			}
			if _, err := svc.Store.Get(name); err != nil {
				return fail(ExitFailed, fmt.Errorf("not removing %s from %s: %w", name, svc.Files.Credentials, err))
			}
			if !yes {
				ok, err := c.confirm(fmt.Sprintf("Remove [%s] from %s? The keychain holds its keys now.", name, svc.Files.Credentials))
				if err != nil {
					return fail(ExitUsage, fmt.Errorf("not removing %s from %s: %w", name, svc.Files.Credentials, err))
				}
				if !ok {
					fmt.Fprintln(g.stdout, "Left the credentials file as it was.")
					return nil
				}
			}
			if err := creds.RemoveFromCredentialsFile(svc.Files.Credentials, name); err != nil {
				return fail(ExitFailed, err)
			}
			fmt.Fprintf(g.stdout, "Removed [%s] from %s.\n", name, svc.Files.Credentials)
			return nil
		},
	}
	cmd.Flags().BoolVar(&remove, "remove-from-file", false, "then remove the profile from the credentials file (asks first)")
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask before removing it from the file")
	return cmd
}

func newProfileRemoveCmd(g *globals) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Delete a keychain profile and its cached session",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := g.console()
			svc := g.chain().Creds
			if _, err := svc.Store.Get(args[0]); err != nil {
				return fail(ExitFailed, err)
			}
			if !yes {
				ok, err := c.confirm(fmt.Sprintf("Delete keychain profile %s and its keys?", args[0]))
				if err != nil {
					return fail(ExitUsage, err)
				}
				if !ok {
					fmt.Fprintln(g.stdout, "Kept it.")
					return nil
				}
			}
			if err := svc.Store.Delete(args[0]); err != nil {
				return fail(ExitFailed, err)
			}
			fmt.Fprintf(g.stdout, "Deleted keychain profile %s.\n", args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask first")
	return cmd
}

func newProfileUseCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "use NAME",
		Short: "Make NAME the active profile for the window, the tray and the command line (--region too)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc := g.chain().Creds
			infos, listErr := svc.List()
			if !slices.ContainsFunc(infos, func(p creds.ProfileInfo) bool { return p.Name == args[0] && p.Kind != creds.KindSSOSession }) {
				msg := fmt.Errorf("no profile %q in %s, %s or the keychain (see cloudcontrol profile list)", args[0], svc.Files.Config, svc.Files.Credentials)
				return fail(ExitFailed, errors.Join(msg, listErr))
			}
			file := settingsFile()
			if err := file.Use(args[0], g.region); err != nil {
				return fail(ExitFailed, err)
			}
			region := g.region
			if region == "" {
				region = "the profile's"
			}
			fmt.Fprintf(g.stdout, "Active profile: %s, region: %s (saved in %s).\n", args[0], region, file.Path())
			// --profile is what is being saved here, so only the
			// environment can outrank it in this shell.
			env := aws.Choose(aws.ChoiceInput{SavedProfile: args[0], Getenv: getenv})
			if w := env.Outranking(); w != "" && env.Profile != args[0] {
				fmt.Fprintf(g.stderr, "note: %s in this shell still wins over the saved choice.\n", w)
			}
			return nil
		},
	}
	return cmd
}

func newProfileLoginCmd(g *globals) *cobra.Command {
	var noBrowser bool
	cmd := &cobra.Command{
		Use:   "login NAME",
		Short: "Sign in to IAM Identity Center (SSO) for profile NAME; the token is kept in the keychain",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc := g.chain().Creds
			cfg, err := creds.SSOConfigOf(svc.Files, args[0])
			if err != nil {
				return fail(ExitFailed, err)
			}
			login := &creds.SSOLogin{OIDC: g.chain().OIDC, Store: svc.Store}
			if f := cmd.Flag("poll"); f != nil && f.Changed {
				login.Interval = g.poll // else the service's own interval
			}
			tok, err := login.Login(cmd.Context(), cfg, func(d creds.Device) {
				fmt.Fprintf(g.stdout, "To sign in, open %s and enter the code %s\n", d.VerificationURI, d.UserCode)
				fmt.Fprintf(g.stdout, "(or open %s)\nWaiting for the sign-in...\n", d.VerificationURIComplete)
				if !noBrowser {
					if err := openBrowser(cmd.Context(), d.VerificationURIComplete); err != nil {
						fmt.Fprintln(g.stderr, "could not open a browser:", err)
					}
				}
			})
			if err != nil {
				return fail(exitForContext(cmd.Context(), ExitFailed), err)
			}
			fmt.Fprintf(g.stdout, "Signed in for %s until %s.\n", args[0], tok.Expires.Local().Format("2006-01-02 15:04"))
			return nil
		},
	}
	cmd.Flags().BoolVar(&noBrowser, "no-browser", false, "only print the address to open")
	return cmd
}

func getenv(k string) string { return os.Getenv(k) }

func exitForContext(ctx context.Context, code int) int {
	if ctx.Err() != nil {
		return ExitCancelled
	}
	return code
}

func openBrowser(ctx context.Context, url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.CommandContext(ctx, "open", url)
	case "windows":
		cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.CommandContext(ctx, "xdg-open", url)
	}
	return cmd.Start()
}

func newProfileWhoamiCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the account and identity of the active profile, and when its session ends",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := g.service("cli").WhoAmI(cmd.Context())
			if err != nil {
				return fail(ExitFailed, err)
			}
			if err := g.chain().Remember(w.Profile, w.Identity); err != nil {
				fmt.Fprintln(g.stderr, "warning:", err)
			}
			if asJSON {
				return writeJSON(g.stdout, w)
			}
			name := w.Profile
			switch name {
			case "":
				name = "default"
			case cloud.EnvCredentials:
				name = cloud.CredentialsOf(name) + " (AWS_ACCESS_KEY_ID)"
			}
			fmt.Fprintf(g.stdout, "Profile:  %s\nAccount:  %s\nIdentity: %s\nRegion:   %s\n", name, w.Identity.Account, w.Identity.ARN, w.Region)
			if w.Expires != nil {
				fmt.Fprintf(g.stdout, "Session ends: %s\n", w.Expires.Local().Format(time.RFC3339))
			} else {
				fmt.Fprintln(g.stdout, "Session ends: never (long-term keys)")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
