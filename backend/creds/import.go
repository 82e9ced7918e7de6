package creds

import (
	"errors"
	"fmt"
)

// Import copies the static keys of profile name from the credentials file
// into the keychain, with the region and mfa_serial the files give it (a
// role stays in the config file's own profiles). It does not edit the file:
// call RemoveFromCredentialsFile once the user agrees. It refuses temporary
// keys (with aws_session_token), which would stop working within hours.
func Import(files Files, name string, store *Store) (Profile, error) {
	// A broken line elsewhere in the file is no reason to refuse: readErr
	// matters only when the section itself could not be found.
	sections, readErr := readSections(files.Credentials)
	kv := map[string]string{}
	found := false
	for _, s := range sections {
		if s.Name == name {
			found = true
			for k, v := range s.Keys {
				kv[k] = v
			}
		}
	}
	if !found && readErr != nil {
		return Profile{}, fmt.Errorf("importing %q: %w", name, readErr)
	}
	if !found {
		return Profile{}, fmt.Errorf("importing %q: %s has no such profile: %w", name, files.Credentials, ErrProfileNotFound)
	}
	if kv["aws_access_key_id"] == "" || kv["aws_secret_access_key"] == "" {
		return Profile{}, fmt.Errorf("importing %q: its section in %s has no aws_access_key_id and "+
			"aws_secret_access_key to import", name, files.Credentials)
	}
	if kv["aws_session_token"] != "" {
		return Profile{}, fmt.Errorf("importing %q: its keys in %s are temporary (they have an "+
			"aws_session_token) and would soon stop working; import long-term keys instead", name, files.Credentials)
	}
	p := KeychainProfile{Name: name, AccessKeyID: kv["aws_access_key_id"],
		SecretAccessKey: kv["aws_secret_access_key"], MFASerial: kv["mfa_serial"], Region: kv["region"]}
	if cfg, _ := readSections(files.Config); cfg != nil {
		for _, s := range cfg {
			if n, ok := configProfileName(s.Name); ok && n == name {
				p.Region = first(p.Region, s.Keys["region"])
				p.MFASerial = first(p.MFASerial, s.Keys["mfa_serial"])
			}
		}
	}
	if err := store.Add(p); err != nil {
		if errors.Is(err, ErrProfileExists) {
			return Profile{}, fmt.Errorf("importing %q: the keychain already has a profile of that name; "+
				"delete it first to import again: %w", name, ErrProfileExists)
		}
		return Profile{}, fmt.Errorf("importing %q: %w", name, err)
	}
	return p.Summary(), nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
