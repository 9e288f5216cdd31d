"""The site frame shared by every HTML page: header, navigation, language switch, search."""
