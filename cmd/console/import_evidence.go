package main

import (
	"os"

	"github.com/iamconsole/console/internal/iam"
)

// evidence opens the import's evidence files, if given; done closes them.
func (c *ImportCmd) evidence() (ev iam.ImportEvidence, done func(), err error) {
	var files []*os.File
	done = func() {
		for _, f := range files {
			f.Close()
		}
	}
	open := func(path string) (*os.File, error) {
		f, err := os.Open(path)
		if err == nil {
			files = append(files, f)
		}
		return f, err
	}
	if c.CredentialReport != "" {
		f, err := open(c.CredentialReport)
		if err != nil {
			done()
			return ev, nil, err
		}
		ev.CredentialReport = f
	}
	if c.LastAccessed != "" {
		f, err := open(c.LastAccessed)
		if err != nil {
			done()
			return ev, nil, err
		}
		ev.LastAccessed = f
	}
	return ev, done, nil
}
