"""Result documents and the offline HTML dashboard (`nbaprops report`)."""
