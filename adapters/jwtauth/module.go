package jwtauth

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/MicahParks/jwkset"
	"go.uber.org/fx"

	"github.com/todoapi/todo/adapters/devtoken"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/ports"
)

// Module provides the ports.TokenVerifier the configuration asks for, and
// stops its background JWKS refresh on shutdown.
var Module = fx.Module("jwtauth",
	fx.Provide(fx.Annotate(func(lc fx.Lifecycle, c config.Auth, logger *slog.Logger, inst Instrumentation) (ports.TokenVerifier, error) {
		v, err := fromConfig(context.Background(), c, inst, logger)
		if err != nil {
			return nil, err
		}
		lc.Append(fx.StopHook(v.Close))
		return v, nil
	}, fx.ParamTags("", "", "", `optional:"true"`))),
)

// Instrumentation is what the service's telemetry gives the verifier, when
// it is wired.
type Instrumentation struct {
	// Transport makes the JWKS requests (see Config.Transport).
	Transport http.RoundTripper
}

// FromConfig builds the verifier for the service's token settings. When
// the development issuer runs it trusts that issuer's key, through the same
// key store a JWKS fills.
func FromConfig(ctx context.Context, c config.Auth, logger *slog.Logger) (*TokenVerifier, error) {
	return fromConfig(ctx, c, Instrumentation{}, logger)
}

func fromConfig(ctx context.Context, c config.Auth, inst Instrumentation, logger *slog.Logger) (*TokenVerifier, error) {
	cfg := Config{
		Transport:       inst.Transport,
		JWKSURL:         c.JWKSURL,
		Secret:          c.Secret,
		Issuer:          c.Issuer,
		Audience:        c.Audience,
		SecretIssuer:    c.SecretIssuer,
		SecretAudience:  c.SecretAudience,
		RefreshInterval: c.RefreshInterval,
		Leeway:          cmp.Or(c.ClockSkew, -1), // Config reads 0 as the default
	}
	if c.DevIssuer {
		keys, err := devKeys(ctx, c.DevKeyFile)
		if err != nil {
			return nil, err
		}
		cfg.Keys, cfg.Issuer, cfg.Audience = keys, devtoken.Issuer, devtoken.Audience
		logger.Warn("development tokens are enabled: this server trusts the local development key; "+
			"mint one with `todo token --user ID`, and set BETTER_AUTH_URL or BETTER_AUTH_SECRET for real tokens",
			"key_file", c.DevKeyFile)
	}
	return New(ctx, cfg, logger)
}

// devKeys loads (or creates) the development key and puts its public half in
// an in-memory key set.
func devKeys(ctx context.Context, path string) (jwkset.Storage, error) {
	key, _, err := devtoken.LoadOrCreate(path)
	if err != nil {
		return nil, err
	}
	jwk, err := jwkset.NewJWKFromKey(key.PublicKey(), jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{ALG: jwkset.AlgEdDSA, KID: key.KID(), USE: jwkset.UseSig},
	})
	if err != nil {
		return nil, fmt.Errorf("development key: %w", err)
	}
	store := jwkset.NewMemoryStorage()
	if err := store.KeyWrite(ctx, jwk); err != nil {
		return nil, fmt.Errorf("development key: %w", err)
	}
	return store, nil
}
