import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import solid from 'vite-plugin-solid'
import { precompress } from './scripts/precompress.ts'

/** Where `npm start` runs the sync server; the dev server forwards API and sync to it. */
const backend = process.env.PODIUM_BACKEND ?? 'http://localhost:8080'

export default defineConfig({
  root: 'client',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': backend,
      '/sync': { target: backend.replace(/^http/, 'ws'), ws: true },
      '/peerjs': { target: backend, ws: true },
      '/sfu': { target: backend.replace(/^http/, 'ws'), ws: true },
      '/broadcast': backend,
    },
  },
  plugins: [
    solid(),
    VitePWA({
      registerType: 'autoUpdate',
      // Registered by the app itself (client/src/app/service-worker.ts).
      injectRegister: false,
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Podium',
        short_name: 'Podium',
        description: 'Ask questions, vote and follow along in live sessions.',
        start_url: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#3b2bbf',
        icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        // The app shell: a reload while offline still opens the room from here.
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/sync(\/|$)/, /^\/peerjs(\/|$)/],
        clientsClaim: true,
        skipWaiting: true,
        cleanupOutdatedCaches: true,
        // Web push: shows notifications and opens their page (client/public/push-sw.js).
        importScripts: ['/push-sw.js'],
      },
    }),
    // Last: compresses what every plugin before it wrote, the service worker included.
    precompress(),
  ],
})
