// Package creds finds AWS profiles, keeps keys in the operating system's
// keychain instead of plain files, and turns them into temporary STS sessions.
//
// It is modelled on aws-vault: the keychain sits behind the small Keyring
// interface so everything here is tested against an in-memory keyring, and
// secrets never leave the keychain except as values handed to the AWS SDK or
// to a credential_process caller. Every type that holds a secret redacts it
// when formatted, logged or marshalled to JSON.
package creds
