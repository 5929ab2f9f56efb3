# Source this file to put the repo's Node 24 and pnpm on PATH in the current shell:
#   source scripts/env.sh
_fasterapi_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
node "$_fasterapi_root/scripts/bootstrap.mjs" || return 1
export PATH="$_fasterapi_root/.tools/bin:$PATH"
export npm_config_store_dir="$_fasterapi_root/.tools/pnpm-store"
export npm_config_cache_dir="$_fasterapi_root/.tools/pnpm-cache"
export npm_config_state_dir="$_fasterapi_root/.tools/pnpm-state"
export TURBO_TELEMETRY_DISABLED=1
export TURBO_CONFIG_DIR_PATH="$_fasterapi_root/.tools/turbo-config"
export BIOME_LOG_PATH="$_fasterapi_root/.tools/biome-logs"
unset _fasterapi_root
