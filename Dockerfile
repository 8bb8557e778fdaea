# syntax=docker/dockerfile:1
# Build a static binary (the SQLite driver is pure Go, so no cgo), then ship
# it alone on a distroless base as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# docker-compose.yml passes these from the environment (task compose:up
# sets them from git); left empty, the binary reports "devel".
ARG VERSION
ARG COMMIT
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/todo ./cmd/todo \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/todo /usr/local/bin/todo
# data/ holds the embedded database and the development signing key; it must
# belong to the non-root user so a volume mounted there is writable.
COPY --from=build --chown=nonroot:nonroot /out/data /app/data
USER nonroot:nonroot
ENV HTTP_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["todo", "healthcheck"]
ENTRYPOINT ["todo"]
CMD ["serve"]
