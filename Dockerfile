# The patchwright service image. Sandboxed test runs inside this container use bubblewrap,
# which needs user namespaces: run with --security-opt seccomp=unconfined or on a host that
# allows unprivileged user namespaces, or point the executor at the host's Docker engine.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap git universal-ctags \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 patchwright
WORKDIR /app
COPY pyproject.toml README.md ./
COPY codegraph ./codegraph
COPY style ./style
COPY executor ./executor
COPY service ./service
RUN pip install --no-cache-dir .

USER patchwright
ENV LITELLM_LOCAL_MODEL_COST_MAP=True \
    PATCHWRIGHT_DATA_DIR=/home/patchwright/.patchwright
ENTRYPOINT ["patchwright"]
CMD ["--help"]
