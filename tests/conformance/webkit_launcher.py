"""The browser WebKitWebDriver starts for the WebKit judge: a bare WebKitGTK window that prints the console.

Run by Debian's ``/usr/bin/python3`` (which has the WebKitGTK bindings: python3-gi, gir1.2-webkit2-4.1), not by the
project's venv, and so imports nothing from the project. WebKitWebDriver starts it as its ``binary`` with
``WEBKIT_INSPECTOR_SERVER`` set; it allows automation and gives the driver a web view whenever the session asks.

Why not MiniBrowser: an automation session in MiniBrowser is ephemeral, and WebKit writes no console messages to
stdio for ephemeral sessions. This browser uses a persistent profile (a fresh directory from the judge, so nothing
carries over between runs) and ``enable-write-console-messages-to-stdout``; WebKit then prints every console
message (the CORS errors included) as one ``CONSOLE <SOURCE> <LEVEL> <text>`` line on stderr, which goes to the
file the judge reads.

    python3 webkit_launcher.py PROFILE_DIR CONSOLE_FILE
"""

import os
import sys


def main(profile: str, console: str) -> None:
    out = os.open(console, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)  # web processes inherit both: their console lines land in the judge's file
    os.dup2(out, 2)
    os.close(out)

    # Nothing is drawn that matters: no GPU, no compositing, so no GL driver is needed (Mesa's DRI drivers are only
    # recommended by Debian's libwebkit2gtk, and .ci/run installs without recommends).
    os.environ["WEBKIT_DISABLE_DMABUF_RENDERER"] = "1"
    os.environ["WEBKIT_DISABLE_COMPOSITING_MODE"] = "1"

    import gi

    gi.require_version("Gtk", "3.0")
    gi.require_version("WebKit2", "4.1")
    from gi.repository import Gtk, WebKit2

    manager = WebKit2.WebsiteDataManager(
        base_data_directory=os.path.join(profile, "data"), base_cache_directory=os.path.join(profile, "cache")
    )
    context = WebKit2.WebContext.new_with_website_data_manager(manager)
    context.set_automation_allowed(True)
    settings = WebKit2.Settings(
        enable_write_console_messages_to_stdout=True,
        hardware_acceleration_policy=WebKit2.HardwareAccelerationPolicy.NEVER,
    )

    def create_web_view(_session: object) -> object:
        view = WebKit2.WebView(web_context=context, settings=settings, is_controlled_by_automation=True)
        window = Gtk.Window()
        window.add(view)
        window.show_all()
        return view

    def automation_started(_context: object, session: object) -> None:
        info = WebKit2.ApplicationInfo()
        info.set_name("corskit-webkitgtk")  # the session's browserName
        info.set_version(WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())
        session.set_application_info(info)  # type: ignore[attr-defined]
        session.connect("create-web-view", create_web_view)  # type: ignore[attr-defined]

    context.connect("automation-started", automation_started)
    Gtk.main()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
