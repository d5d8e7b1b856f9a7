package sshdtest

import (
	"errors"
	"io"

	gossh "golang.org/x/crypto/ssh"
)

// Impostor returns a signer that offers the public key offered without
// holding its private key, as a client that knows someone's public key
// would: the server accepts the offer, and the client can't sign, so it
// goes on with its next key (Dial tries each key in turn).
func Impostor(offered gossh.PublicKey) gossh.Signer {
	return impostor{offered: offered}
}

type impostor struct{ offered gossh.PublicKey }

func (i impostor) PublicKey() gossh.PublicKey { return i.offered }

func (i impostor) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	return nil, errors.New("sshdtest: an impostor holds no private key")
}
