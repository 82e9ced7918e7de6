package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/creds"
)

// newCredentialProcessCmd lets the AWS CLI, Terraform and the SDKs use a
// keychain profile: in ~/.aws/config,
//
//	[profile work]
//	credential_process = cloudcontrol credential-process --profile work
func newCredentialProcessCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "credential-process",
		Short: "Print a keychain profile's credentials as credential_process JSON (for the AWS CLI, Terraform, SDKs)",
		Long: "Print the credentials of the keychain profile named by --profile in the credential_process format.\n" +
			"Use it in ~/.aws/config:  credential_process = cloudcontrol credential-process --profile NAME",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.profile == "" {
				return fail(ExitUsage, errors.New("--profile NAME is required"))
			}
			c, err := g.chain().Creds.Sessions.Get(cmd.Context(), g.profile)
			if err != nil {
				if errors.Is(err, creds.ErrProfileNotFound) {
					err = fmt.Errorf("%w; credential-process serves keychain profiles (add one with cloudcontrol profile add or import)", err)
				}
				return fail(ExitFailed, err)
			}
			out, err := creds.CredentialProcessJSON(c)
			if err != nil {
				return fail(ExitFailed, err)
			}
			_, err = fmt.Fprintln(g.stdout, string(out))
			return err
		},
	}
}
