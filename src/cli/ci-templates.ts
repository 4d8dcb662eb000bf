/**
 * The CI files `slipway init --ci github|gitlab` writes: build with `slipway pipeline run`
 * (provenance, SBOM, signature, the run reported), then deploy to the first environment and
 * wait. Secrets come from the CI's secret store; the files name them, never hold them.
 */

export type CiProvider = "github" | "gitlab";

export interface CiTemplateInput {
  service: string;
  /** The environment CI deploys to (the first one of slipway.yaml). */
  environment: string;
  /** build.env and build.secrets source variables the stages need, from the CI's secrets. */
  buildSecrets: string[];
  /** The slipway.yaml path, relative to the repository root. */
  configFile: string;
}

export const CI_FILES: Record<CiProvider, string> = { github: ".github/workflows/slipway.yml", gitlab: ".gitlab-ci.yml" };

export function ciTemplate(provider: CiProvider, input: CiTemplateInput): string {
  return provider === "github" ? github(input) : gitlab(input);
}

function github(i: CiTemplateInput): string {
  const secrets = i.buildSecrets.map((s) => `      ${s}: \${{ secrets.${s} }}\n`).join("");
  return `# Written by slipway init --ci github: build, sign and push through Slipway, then deploy.
# Repository settings: variable SLIPWAY_SERVER; secrets SLIPWAY_TOKEN (a deployer token for
# ${i.service}) and SLIPWAY_SIGNING_KEY (the private key from slipway keys create, registered
# on the server with slipway keys register).
name: slipway

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: slipway-\${{ github.ref }}
  cancel-in-progress: false

jobs:
  release:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    env:
      SLIPWAY_SERVER: \${{ vars.SLIPWAY_SERVER }}
      SLIPWAY_TOKEN: \${{ secrets.SLIPWAY_TOKEN }}
      SLIPWAY_BUILDER_ID: https://github.com/\${{ github.repository }}/.github/workflows/slipway.yml
      VERSION: 1.0.\${{ github.run_number }}-\${{ github.run_attempt }}
${secrets}    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Install slipway
        run: npm install --global slipway
      - name: Write the signing key
        env:
          SLIPWAY_SIGNING_KEY: \${{ secrets.SLIPWAY_SIGNING_KEY }}
        run: |
          umask 077
          printf '%s\\n' "$SLIPWAY_SIGNING_KEY" > "$RUNNER_TEMP/release.key"
      - name: Build, sign and push
        run: slipway pipeline run --file ${i.configFile} --version "$VERSION" --sign "$RUNNER_TEMP/release.key"
      - name: Deploy to ${i.environment}
        run: slipway deploy ${i.service} "$VERSION" --env ${i.environment} --reason "GitHub run $GITHUB_RUN_ID" --wait
      - name: Remove the signing key
        if: always()
        run: rm -f "$RUNNER_TEMP/release.key"
`;
}

function gitlab(i: CiTemplateInput): string {
  return `# Written by slipway init --ci gitlab: build, sign and push through Slipway, then deploy.
# CI/CD variables (masked, protected): SLIPWAY_SERVER, SLIPWAY_TOKEN (a deployer token for
# ${i.service}), SLIPWAY_SIGNING_KEY (the private key from slipway keys create, registered on
# the server with slipway keys register)${i.buildSecrets.length ? `, and ${i.buildSecrets.join(", ")} for the build` : ""}.
stages:
  - build
  - deploy

variables:
  VERSION: "1.0.\${CI_PIPELINE_IID}"
  SLIPWAY_BUILDER_ID: "\${CI_SERVER_URL}/\${CI_PROJECT_PATH}/-/blob/\${CI_COMMIT_SHA}/.gitlab-ci.yml"

default:
  image: node:20

release:
  stage: build
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - npm install --global slipway
    - (umask 077 && printf '%s\\n' "$SLIPWAY_SIGNING_KEY" > /tmp/release.key)
    - slipway pipeline run --file ${i.configFile} --version "$VERSION" --sign /tmp/release.key
  after_script:
    - rm -f /tmp/release.key

deploy-${i.environment}:
  stage: deploy
  needs: [release]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  environment:
    name: ${i.environment}
  script:
    - npm install --global slipway
    - slipway deploy ${i.service} "$VERSION" --env ${i.environment} --reason "GitLab pipeline $CI_PIPELINE_ID" --wait
`;
}
