#!/bin/sh
# Writes Janus's configuration from the environment, as scripts/janus.mjs does for
# `npm start`, and runs Janus in the foreground.
#   JANUS_API_SECRET  required: the signal-server's JANUS_API_SECRET (API and room creation)
#   JANUS_API_HOST    address the WebSocket API binds to (default 172.17.0.1, the Docker
#                     host's bridge address: containers reach it, the internet does not)
#   JANUS_PORT        WebSocket API port (8188)
#   JANUS_RTP_PORTS   media port range (20000-20199), open in the firewall for UDP
#   JANUS_NAT_1_1     the public address, when the host is behind a 1:1 NAT
set -eu
: "${JANUS_API_SECRET:?set JANUS_API_SECRET (the signal-server needs the same value)}"
dir=$(mktemp -d)
lib=/usr/lib/x86_64-linux-gnu/janus
[ -d "$lib" ] || lib=/usr/lib/aarch64-linux-gnu/janus
mkdir -p "$dir/plugins" "$dir/transports" "$dir/none"
ln -s "$lib/plugins/libjanus_videoroom.so" "$dir/plugins/"
ln -s "$lib/transports/libjanus_websockets.so" "$dir/transports/"
nat=""
[ -n "${JANUS_NAT_1_1:-}" ] && nat="nat_1_1_mapping = \"$JANUS_NAT_1_1\""
cat > "$dir/janus.jcfg" <<CFG
general: {
  configs_folder = "$dir"
  plugins_folder = "$dir/plugins"
  transports_folder = "$dir/transports"
  events_folder = "$dir/none"
  loggers_folder = "$dir/none"
  debug_level = 3
  api_secret = "$JANUS_API_SECRET"
  admin_secret = "$JANUS_API_SECRET"
  server_name = "podium-sfu"
}
media: {
  rtp_port_range = "${JANUS_RTP_PORTS:-20000-20199}"
  nack_optimizations = true
}
nat: {
  $nat
  # Docker's bridges (docker0, br-…, veth…): their addresses reach nobody outside the
  # host, and coturn refuses to relay to them, so they are no use as candidates.
  ice_ignore_list = "docker,br-,veth,vmnet"
}
CFG
cat > "$dir/janus.transport.websockets.jcfg" <<CFG
general: {
  json = "plain"
  ws = true
  ws_port = ${JANUS_PORT:-8188}
  ws_ip = "${JANUS_API_HOST:-172.17.0.1}"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
CFG
cat > "$dir/janus.plugin.videoroom.jcfg" <<CFG
general: {
  admin_key = "$JANUS_API_SECRET"
  lock_rtp_forward = true
}
CFG
exec janus -F "$dir" -C "$dir/janus.jcfg" -o
