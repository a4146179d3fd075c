"""A ScrollView whose scrollbar thumbs always show where the view is scrolled."""

from __future__ import annotations

from textual.scroll_view import ScrollView


class ThumbedScrollView(ScrollView):
    """Textual moves a scrollbar's thumb only while the bar is shown. A scroll made while it
    was hidden (keys in a burst: log timestamps on, then a jump to a match) left the thumb
    at the top of a view scrolled to its end once the bar showed again."""

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        if shown:
            self.vertical_scrollbar.position = self.scroll_y

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        if shown:
            self.horizontal_scrollbar.position = self.scroll_x
